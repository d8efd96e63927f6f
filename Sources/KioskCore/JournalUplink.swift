/// Where the journal and the ratings go: the hub (`POST /v1/journal`, `POST /v1/ratings`).
/// KioskHub implements it over HTTPS; the store's outbox deliverer calls it, and tests of logic
/// use an in-process fake. Both calls must be safe to repeat: the hub is idempotent by
/// `(kioskId, seq)` and by `transactionId`, which is what turns at-least-once sending into
/// exactly-once delivery.
public protocol JournalUplink: Sendable {
    /// Sends records in sequence order; answers the hub's `highestContiguousSeq` (every record
    /// up to it is stored at the hub). Throws when the hub could not be reached or refused.
    func deliverJournal(_ records: [JournalRecord]) async throws -> Int
    /// Sends one rating; returns once the hub stored it (or already had it).
    func deliverRating(_ rating: RatingRecord) async throws
}

/// A citizen's rating of one service (好差评): it counts in staff assessment, so it must reach
/// the hub exactly once.
public struct RatingRecord: Sendable, Equatable, Codable {
    /// The service transaction rated; the hub's idempotency key for ratings.
    public var transactionId: String
    /// The service id from the catalog ("participation-certificate").
    public var service: String
    /// 1 (very dissatisfied) … 5 (very satisfied).
    public var score: Int
    public var comment: String?
    public var sessionId: String?
    /// RFC 3339 UTC.
    public var time: String
    /// The hall worker who helped (帮办), for the rating's journal record.
    public var staffRef: String?

    public static let scores = 1...5

    public init(transactionId: String, service: String, score: Int, comment: String? = nil, sessionId: String? = nil, time: String) {
        self.transactionId = transactionId
        self.service = service
        self.score = score
        self.comment = comment
        self.sessionId = sessionId
        self.time = time
    }
}
