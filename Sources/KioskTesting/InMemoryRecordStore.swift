import Foundation
import KioskCore
import Synchronization

/// The kiosk's records in memory, for tests of orchestration: what was journalled, rated and
/// recorded in the configuration history, in order. `failNextWrites` makes the next appends and
/// ratings fail as a full or busy disk does. No hash chain: KioskStoreTests cover the real one.
public final class InMemoryRecordStore: RecordStore {
    public struct Contents: Sendable {
        public var journal: [JournalEntry] = []
        public var ratings: [RatingRecord] = []
        public var configVersions: [ConfigVersionRecord] = []
        public var failedWrites = 0
        public var closed = false
    }

    private let state = Mutex(Contents())
    private let failures = Mutex(0)
    private let storeHealth = Mutex(StoreHealth(freeBytes: 1 << 30, minimumFreeBytes: 1 << 20, canStartSessions: true, reason: nil))

    public init() {}

    public var contents: Contents { state.withLock { $0 } }
    public var journal: [JournalEntry] { contents.journal }

    /// The next `count` journal appends and ratings throw `.store`.
    public func failNextWrites(_ count: Int) { failures.withLock { $0 = count } }

    public func setHealth(_ health: StoreHealth) { storeHealth.withLock { $0 = health } }

    private func write() throws {
        let fail = failures.withLock { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
        if fail {
            state.withLock { $0.failedWrites += 1 }
            throw KioskError(.store, "the in-memory store was told to fail")
        }
    }

    public func append(_ entry: JournalEntry) async throws -> JournalRecord {
        if let problem = entry.problem() { throw KioskError(.invalidInput, problem) }
        try write()
        let seq = state.withLock {
            $0.journal.append(entry)
            return $0.journal.count
        }
        return JournalRecord(
            kioskId: "KIOSK-TEST", seq: seq, time: Date().formatted(.iso8601), kind: entry.kind, sessionId: entry.sessionId,
            subjectRef: entry.subjectRef, display: entry.display, payload: entry.payload, prevHash: JournalRecord.genesisHash,
            hash: JournalRecord.genesisHash)
    }

    public func recordRating(_ rating: RatingRecord) async throws -> Bool {
        try write()
        return state.withLock { contents in
            guard !contents.ratings.contains(where: { $0.transactionId == rating.transactionId }) else { return false }
            contents.ratings.append(rating)
            return true
        }
    }

    public func journalHead() async throws -> JournalHead {
        JournalHead(seq: state.withLock { $0.journal.count }, hash: JournalRecord.genesisHash)
    }

    public func health() -> StoreHealth { storeHealth.withLock { $0 } }

    public func highestConfigVersion() async throws -> Int {
        state.withLock { $0.configVersions.compactMap { Int($0.version) }.max() ?? 0 }
    }

    public func recordConfigVersion(_ version: ConfigVersionRecord) async throws {
        state.withLock { $0.configVersions.append(version) }
    }

    public func configVersions(limit: Int) async throws -> [ConfigVersionRecord] {
        state.withLock { Array($0.configVersions.reversed().prefix(limit)) }
    }

    public func outboxBacklog() async throws -> [String: Int] {
        state.withLock { ["hub.journal": $0.journal.count, "hub.ratings": $0.ratings.count] }
    }

    public func close() throws { state.withLock { $0.closed = true } }
}
