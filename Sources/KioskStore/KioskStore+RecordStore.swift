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

    public func outboxOldestPendingSeconds() async throws -> [String: Double] {
        Dictionary(
            try await outboxStatus().compactMap { status in status.oldestPendingAgeSeconds.map { (status.destination, $0) } },
            uniquingKeysWith: max)
    }
}

extension SubjectKey: SubjectRefKey {}
