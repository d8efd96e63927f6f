import Foundation
import KioskCore

/// KioskStore is the kiosk's RecordStore: the services above the adapters see only the port.
extension KioskStore: RecordStore {
    public func append(_ entry: JournalEntry) async throws -> JournalRecord {
        try await append(entry, at: .now)
    }

    public func outboxBacklog() async throws -> [String: Int] {
        Dictionary(try await outboxStatus().map { ($0.destination, $0.pending) }, uniquingKeysWith: max)
    }

    public func outboxWaiting() async throws -> [String: OutboxWaiting] {
        Dictionary(
            try await outboxStatus().map {
                ($0.destination, OutboxWaiting(pending: $0.pending, oldestSeconds: $0.oldestPendingAgeSeconds))
            },
            uniquingKeysWith: { first, _ in first })
    }
}

extension SubjectKey: SubjectRefKey {}
