import Foundation
import GRDB
import KioskCore

/// Delivery state towards the hub. The journal is an ordered stream, so its state is a cursor
/// (`ackedSeq`: the hub holds every record up to it); ratings go one by one, each an outbox row
/// that is `pending` until the hub has it, then `delivered`. Nothing leaves the outbox any other way.
extension KioskStore {
    public struct DestinationStatus: Sendable, Equatable, Codable {
        public var destination: String
        public var pending: Int
        /// Time of the oldest item not yet at the hub.
        public var oldestPendingTime: String?
        public var oldestPendingAgeSeconds: Double?
        public var lastDeliveryAt: String?
        public var lastAttemptAt: String?
        public var lastError: String?
        public var lastErrorAt: String?
        /// Failed attempts since the last delivery.
        public var failedAttempts: Int
        /// Journal only: the hub holds everything up to this seq.
        public var ackedSeq: Int?
    }

    /// Records a rating once (by transaction id) with its outbox row and a journal record, in
    /// one transaction. Returns false when that transaction was already rated.
    @discardableResult
    public func recordRating(_ rating: RatingRecord) async throws -> Bool {
        guard RatingRecord.scores.contains(rating.score) else { throw KioskError(.invalidInput, "a rating score is 1 to 5") }
        let kioskId = options.kioskId
        var payload: [String: JournalValue] = [
            "transactionId": .string(rating.transactionId), "service": .string(rating.service), "score": .int(rating.score),
        ]
        if let staffRef = rating.staffRef { payload["staffRef"] = .string(staffRef) }
        let entry = JournalEntry(kind: .rating, sessionId: rating.sessionId, payload: payload)
        if let problem = entry.problem() { throw KioskError(.invalidInput, problem) }
        return try await write("recording a rating") { db in
            let exists =
                try Bool.fetchOne(db, sql: "SELECT 1 FROM ratings WHERE transactionId = ?", arguments: [rating.transactionId]) ?? false
            if exists { return false }
            try db.execute(
                sql: "INSERT INTO ratings (transactionId, service, score, comment, sessionId, time) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [rating.transactionId, rating.service, rating.score, rating.comment, rating.sessionId, rating.time])
            try db.execute(
                sql: "INSERT INTO outbox (destination, itemKey, createdAt) VALUES (?, ?, ?)",
                arguments: [OutboxDestination.ratings.rawValue, rating.transactionId, rating.time])
            _ = try Self.insertRecord(db, kioskId: kioskId, entry: entry, time: rating.time)
            return true
        }
    }

    /// Journal records the hub does not hold yet, oldest first.
    public func pendingJournal(limit: Int) async throws -> [JournalRecord] {
        try await read("reading the journal outbox") { db in
            try Self.records(db, after: try Self.ackedSeq(db), limit: limit)
        }
    }

    /// Ratings not delivered yet, in the order they were given.
    public func pendingRatings(limit: Int) async throws -> [RatingRecord] {
        try await read("reading the ratings outbox") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM outbox o JOIN ratings r ON r.transactionId = o.itemKey
                    WHERE o.destination = ? AND o.state = 'pending' ORDER BY o.id LIMIT ?
                    """, arguments: [OutboxDestination.ratings.rawValue, limit]
            ).map { row in
                RatingRecord(
                    transactionId: row["transactionId"], service: row["service"], score: row["score"], comment: row["comment"],
                    sessionId: row["sessionId"], time: row["time"])
            }
        }
    }

    /// The hub holds every record up to `seq`. The cursor only moves forward.
    public func acknowledgeJournal(through seq: Int, at date: Date = .now) async throws {
        let now = StoreTime.format(date)
        try await write("recording a journal delivery") { db in
            try db.execute(
                sql: """
                    UPDATE outbox_cursor SET ackedSeq = MAX(ackedSeq, ?), attempts = 0, lastAttemptAt = ?, lastDeliveryAt = ?
                    WHERE destination = ?
                    """, arguments: [seq, now, now, OutboxDestination.journal.rawValue])
        }
    }

    public func markRatingDelivered(transactionId: String, at date: Date = .now) async throws {
        let now = StoreTime.format(date)
        try await write("recording a rating delivery") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'delivered', deliveredAt = ?, lastAttemptAt = ?, attempts = attempts + 1
                    WHERE destination = ? AND itemKey = ? AND state = 'pending'
                    """, arguments: [now, now, OutboxDestination.ratings.rawValue, transactionId])
            try db.execute(
                sql: "UPDATE outbox_cursor SET attempts = 0, lastAttemptAt = ?, lastDeliveryAt = ? WHERE destination = ?",
                arguments: [now, now, OutboxDestination.ratings.rawValue])
        }
    }

    /// A failed attempt: kept as the destination's last error until a delivery succeeds.
    public func recordDeliveryFailure(_ destination: OutboxDestination, error: String, at date: Date = .now) async throws {
        let now = StoreTime.format(date)
        try await write("recording a delivery failure") { db in
            try db.execute(
                sql: """
                    UPDATE outbox_cursor SET attempts = attempts + 1, lastAttemptAt = ?, lastError = ?, lastErrorAt = ?
                    WHERE destination = ?
                    """, arguments: [now, error, now, destination.rawValue])
        }
    }

    /// Pending counts, oldest pending ages, last delivery and last error per destination.
    public func outboxStatus(now: Date = .now) async throws -> [DestinationStatus] {
        try await read("reading the outbox") { db in
            let acked = try Self.ackedSeq(db)
            let journalPending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE seq > ?", arguments: [acked]) ?? 0
            let journalOldest = try String.fetchOne(
                db, sql: "SELECT time FROM journal WHERE seq > ? ORDER BY seq LIMIT 1", arguments: [acked])
            let ratingsPending =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM outbox WHERE destination = ? AND state = 'pending'",
                    arguments: [OutboxDestination.ratings.rawValue]) ?? 0
            let ratingsOldest = try String.fetchOne(
                db, sql: "SELECT createdAt FROM outbox WHERE destination = ? AND state = 'pending' ORDER BY id LIMIT 1",
                arguments: [OutboxDestination.ratings.rawValue])
            return try OutboxDestination.allCases.map { destination in
                let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox_cursor WHERE destination = ?", arguments: [destination.rawValue])
                let isJournal = destination == .journal
                let oldest = isJournal ? journalOldest : ratingsOldest
                return DestinationStatus(
                    destination: destination.rawValue, pending: isJournal ? journalPending : ratingsPending, oldestPendingTime: oldest,
                    oldestPendingAgeSeconds: oldest.flatMap(StoreTime.parse).map { max(0, now.timeIntervalSince($0)) },
                    lastDeliveryAt: row?["lastDeliveryAt"], lastAttemptAt: row?["lastAttemptAt"], lastError: row?["lastError"],
                    lastErrorAt: row?["lastErrorAt"], failedAttempts: row?["attempts"] ?? 0, ackedSeq: isJournal ? acked : nil)
            }
        }
    }

    static func ackedSeq(_ db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT ackedSeq FROM outbox_cursor WHERE destination = ?", arguments: [OutboxDestination.journal.rawValue])
            ?? 0
    }
}
