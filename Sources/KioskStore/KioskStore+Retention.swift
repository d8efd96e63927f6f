import Foundation
import GRDB
import KioskCore

/// Retention: old journal records leave the kiosk only once the hub holds them. The last pruned
/// record's seq and hash stay in `journal_anchor`, so what remains still verifies.
extension KioskStore {
    public struct Anchor: Sendable, Equatable, Codable {
        public var seq: Int
        public var hash: String
        /// The pruned record's own time.
        public var time: String
        public var prunedAt: String
        /// Records pruned so far, over every pruning.
        public var prunedCount: Int
    }

    public func journalAnchor() async throws -> Anchor? {
        try await read("reading the journal anchor") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM journal_anchor WHERE id = 1").map {
                Anchor(seq: $0["seq"], hash: $0["hash"], time: $0["time"], prunedAt: $0["prunedAt"], prunedCount: $0["prunedCount"])
            }
        }
    }

    /// Removes records older than `maximumAge` that the hub acknowledged, oldest first, stopping
    /// at the first one that is too young or not acknowledged (the journal stays one contiguous
    /// run). Returns how many were removed.
    @discardableResult
    public func pruneJournal(olderThan maximumAge: Duration, now: Date = .now) async throws -> Int {
        let cutoff = StoreTime.format(now.addingTimeInterval(-Double(maximumAge.components.seconds)))
        let prunedAt = StoreTime.format(now)
        return try await write("pruning the journal") { db in
            let acked = try Self.ackedSeq(db)
            // The newest record that may go: acknowledged, old enough, with only such records before it.
            let firstKept = try Int.fetchOne(
                db, sql: "SELECT MIN(seq) FROM journal WHERE seq > ? OR time >= ?", arguments: [acked, cutoff])
            let limit = firstKept.map { $0 - 1 } ?? acked
            guard
                let last = try Row.fetchOne(
                    db, sql: "SELECT seq, hash, time FROM journal WHERE seq <= ? ORDER BY seq DESC LIMIT 1", arguments: [limit])
            else { return 0 }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE seq <= ?", arguments: [limit]) ?? 0
            // The anchor first: the delete trigger allows only records at or behind it.
            try db.execute(
                sql: """
                    INSERT INTO journal_anchor (id, seq, hash, time, prunedAt, prunedCount) VALUES (1, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time = excluded.time,
                        prunedAt = excluded.prunedAt, prunedCount = journal_anchor.prunedCount + excluded.prunedCount
                    """, arguments: [last["seq"], last["hash"], last["time"], prunedAt, count])
            try db.execute(sql: "DELETE FROM journal WHERE seq <= ?", arguments: [limit])
            return count
        }
    }
}
