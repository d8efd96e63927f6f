import Foundation

/// The kiosk's own records as the services above the adapters see them: the hash-chained
/// journal, the ratings waiting for the hub, the configuration history, and whether the store
/// can take another session. The adapter is KioskStore (SQLite); the print requests are the
/// `PrintRequestLog` the printers keep. Tests of logic use an in-process fake.
public protocol RecordStore: Sendable {
    /// Appends an entry to the journal (refused with `invalidInput` when `problem()` says so)
    /// and returns the record as chained and stored.
    func append(_ entry: JournalEntry) async throws -> JournalRecord
    /// Keeps a rating and its outbox row in one transaction; false when the transaction was
    /// already rated.
    func recordRating(_ rating: RatingRecord) async throws -> Bool
    /// The journal's newest record (or its anchor when everything was pruned).
    func journalHead() async throws -> JournalHead
    /// Whether a new session may start: one that cannot be journalled must not begin.
    func health() -> StoreHealth
    /// The highest configuration version ever recorded (the anti-rollback high-water mark).
    func highestConfigVersion() async throws -> Int
    func recordConfigVersion(_ version: ConfigVersionRecord) async throws
    /// Newest first.
    func configVersions(limit: Int) async throws -> [ConfigVersionRecord]
    /// Items not yet delivered to the hub, by outbox destination ("hub.journal", "hub.ratings").
    func outboxBacklog() async throws -> [String: Int]
    /// `outboxBacklog` with how long the oldest undelivered item of each destination has waited
    /// (nil when nothing waits), read at once.
    func outboxWaiting() async throws -> [String: OutboxWaiting]
    /// Checkpoints and closes the file; nothing is asked of the store afterwards.
    func close() throws
}

/// What waits for the hub in one outbox destination.
public struct OutboxWaiting: Sendable, Equatable {
    public var pending: Int
    public var oldestSeconds: Double?

    public init(pending: Int, oldestSeconds: Double?) {
        self.pending = pending
        self.oldestSeconds = oldestSeconds
    }
}

extension RecordStore {
    /// A store that keeps no times (a unit test's) reports no ages.
    public func outboxWaiting() async throws -> [String: OutboxWaiting] {
        try await outboxBacklog().mapValues { OutboxWaiting(pending: $0, oldestSeconds: nil) }
    }
}

/// The journal's newest record: its sequence number and hash (0 and the genesis hash for a
/// new journal).
public struct JournalHead: Sendable, Equatable, Codable {
    public var seq: Int
    public var hash: String

    public init(seq: Int, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// One row of the configuration history: a bundle version and what became of it (`body`).
public struct ConfigVersionRecord: Sendable, Equatable, Codable {
    public var version: String
    public var sha256: String
    /// Where it came from: "hub", "kioskctl", "rollback".
    public var source: String
    public var appliedAt: String
    /// JSON: the outcome, its detail and the caller's uid.
    public var body: String

    public init(version: String, sha256: String, source: String, appliedAt: String, body: String) {
        self.version = version
        self.sha256 = sha256
        self.source = source
        self.appliedAt = appliedAt
        self.body = body
    }
}

/// Whether the kiosk may start a new citizen session as far as the store is concerned: a
/// session that cannot be journalled must not begin, so the daemon asks before each one.
public struct StoreHealth: Sendable, Equatable, Codable {
    public var freeBytes: Int64
    public var minimumFreeBytes: Int64
    public var canStartSessions: Bool
    /// Why not, in plain words; nil when sessions may start.
    public var reason: String?

    public init(freeBytes: Int64, minimumFreeBytes: Int64, canStartSessions: Bool, reason: String?) {
        self.freeBytes = freeBytes
        self.minimumFreeBytes = minimumFreeBytes
        self.canStartSessions = canStartSessions
        self.reason = reason
    }

    /// Sessions stopped for the disk start again only 10 % above the floor, so a disk that
    /// hovers at the floor does not take the kiosk in and out of service every few seconds.
    public var hasRoomToResume: Bool { canStartSessions && freeBytes >= minimumFreeBytes + minimumFreeBytes / 10 }
}
