import Foundation
import GRDB
import KioskCore

/// The journal: append, read back, verify.
extension KioskStore {
    public struct JournalVerification: Sendable, Equatable, Codable {
        /// Records checked.
        public var records: Int
        /// The chain starts after this seq (0: from the genesis).
        public var anchorSeq: Int
        public var lastSeq: Int
        /// The first problem; nil when the chain is intact.
        public var problem: JournalBreak?
    }

    /// Appends one record and returns it once it is durably committed (an acknowledged append).
    public func append(_ entry: JournalEntry, at date: Date = .now) async throws -> JournalRecord {
        if let problem = entry.problem() { throw KioskError(.invalidInput, problem) }
        let kioskId = options.kioskId
        let time = StoreTime.format(date)
        return try await writeJournal { db in try Self.insertRecord(db, kioskId: kioskId, entry: entry, time: time) }
    }

    /// The same append, blocking the calling thread until the commit is on disk: for callers
    /// that already run on a thread of their own (tools, a blocking executor), which saves the
    /// two thread hand-offs of the async path.
    public func appendBlocking(_ entry: JournalEntry, at date: Date = .now) throws -> JournalRecord {
        if let problem = entry.problem() { throw KioskError(.invalidInput, problem) }
        guard !isReadOnly else { throw KioskError(.store, "the store was opened read-only") }
        let kioskId = options.kioskId
        let time = StoreTime.format(date)
        do {
            return try db.writeWithoutTransaction { db in
                try Self.inJournalTransaction(db) { try Self.insertRecord(db, kioskId: kioskId, entry: entry, time: time) }
            }
        } catch { throw StoreFile.error(error, path: path).adding(context: "appending to the journal") }
    }

    /// Appends several records in one transaction (one sync): all of them or none.
    public func append(_ entries: [JournalEntry], at date: Date = .now) async throws -> [JournalRecord] {
        for entry in entries { if let problem = entry.problem() { throw KioskError(.invalidInput, problem) } }
        let kioskId = options.kioskId
        let time = StoreTime.format(date)
        return try await writeJournal { db in try entries.map { try Self.insertRecord(db, kioskId: kioskId, entry: $0, time: time) } }
    }

    /// Runs `body` in one journal transaction on the writer (see `inJournalTransaction`).
    ///
    /// Queued on GRDB's writer with a continuation rather than through its async `write`: that
    /// one also makes the access cancellable (a cancellation handler, a lock, the writer's
    /// executor), which costs a few microseconds a call and would let a cancelled task lose the
    /// record it was appending. A record handed to the writer is written, cancelled or not.
    private func writeJournal<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !isReadOnly else { throw KioskError(.store, "the store was opened read-only", context: ["appending to the journal"]) }
        let path = path
        return try await withUnsafeThrowingContinuation { continuation in
            db.asyncWriteWithoutTransaction { db in
                do {
                    continuation.resume(returning: try Self.inJournalTransaction(db) { try body(db) })
                } catch {
                    continuation.resume(throwing: StoreFile.error(error, path: path).adding(context: "appending to the journal"))
                }
            }
        }
    }

    public func journalHead() async throws -> JournalHead {
        try await read("reading the journal head") { db in try Self.head(db) }
    }

    /// The newest `count` records, oldest first.
    public func tail(_ count: Int) async throws -> [JournalRecord] {
        try await read("reading the journal") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM journal ORDER BY seq DESC LIMIT ?", arguments: [max(0, count)])
            return try rows.reversed().map(Self.record)
        }
    }

    /// Records after `seq`, oldest first, at most `limit`.
    public func records(after seq: Int, limit: Int) async throws -> [JournalRecord] {
        try await read("reading the journal") { db in
            try Self.records(db, after: seq, limit: limit)
        }
    }

    /// Calls `each` for every record whose time is at or after `since` (all when nil), oldest
    /// first, streaming: a year of journal never sits in memory at once.
    public func forEachRecord(since: Date?, _ each: @escaping @Sendable (JournalRecord) throws -> Void) async throws {
        let from = since.map(StoreTime.format) ?? ""
        try await read("exporting the journal") { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM journal WHERE time >= ? ORDER BY seq", arguments: [from])
            while let row = try cursor.next() { try each(try Self.record(row)) }
        }
    }

    /// Checks the whole chain from the anchor: every hash, every link, no gap, and no record
    /// missing at the end (SQLite's sequence and the hub's acknowledgement remember the newest).
    public func verifyJournal() async throws -> JournalVerification {
        try await read("verifying the journal") { db in
            let anchor = try Row.fetchOne(db, sql: "SELECT seq, hash FROM journal_anchor WHERE id = 1")
            let anchorSeq: Int = anchor?[0] ?? 0
            var verifier = JournalChainVerifier(anchorSeq: anchorSeq, anchorHash: anchor?[1] ?? JournalRecord.genesisHash)
            let lookup = { (hash: String) throws -> Int? in
                try Int.fetchOne(db, sql: "SELECT seq FROM journal WHERE hash = ? LIMIT 1", arguments: [hash])
            }
            let cursor = try Row.fetchCursor(
                db,
                sql: "SELECT seq, time, kind, kioskId, sessionId, subjectRef, display, payload, prevHash, hash FROM journal ORDER BY seq")
            var last = anchorSeq
            while let row = try cursor.next() {
                let seq: Int = row[0]
                let prevHash: String = row[8]
                let problem = try verifier.check(
                    seq: seq, prevHash: prevHash, storedHash: row[9],
                    canonical: JournalCanonical.compose(
                        seq: seq, time: row[1], kind: row[2], kioskId: row[3], sessionId: row[4], subjectRef: row[5], displayJSON: row[6],
                        payloadJSON: row[7], prevHash: prevHash),
                    lookup: lookup)
                if let problem {
                    return JournalVerification(records: verifier.count, anchorSeq: anchorSeq, lastSeq: last, problem: problem)
                }
                last = seq
            }
            let ever = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'journal'") ?? 0
            let acked = try Int.fetchOne(db, sql: "SELECT ackedSeq FROM outbox_cursor WHERE destination = 'hub.journal'") ?? 0
            var problem: JournalBreak?
            if max(ever, acked) > last {
                let known = ever >= acked ? "SQLite's sequence" : "the hub's acknowledgement"
                problem = JournalBreak(
                    seq: last + 1, reason: .deleted,
                    detail: "the journal ends at seq \(last) but \(known) shows records up to seq \(max(ever, acked)) were written")
            }
            return JournalVerification(records: verifier.count, anchorSeq: anchorSeq, lastSeq: last, problem: problem)
        }
    }

    // MARK: - Inside transactions

    static func head(_ db: Database) throws -> JournalHead {
        let newest = try db.cachedStatement(sql: "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")
        if let row = try Row.fetchOne(newest) {
            return JournalHead(seq: row[0], hash: row[1])
        }
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM journal_anchor WHERE id = 1") {
            return JournalHead(seq: row[0], hash: row[1])
        }
        return JournalHead(seq: 0, hash: JournalRecord.genesisHash)
    }

    static func records(_ db: Database, after seq: Int, limit: Int) throws -> [JournalRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map(record)
    }

    static func record(_ row: Row) throws -> JournalRecord {
        let kindText: String = row["kind"]
        guard let kind = JournalKind(rawValue: kindText) else {
            throw KioskError(.store, "journal seq \(row["seq"] as Int): unknown kind '\(kindText)'")
        }
        let decoder = JSONDecoder()
        let displayText: String = row["display"]
        let payloadText: String = row["payload"]
        do {
            return JournalRecord(
                kioskId: row["kioskId"], seq: row["seq"], time: row["time"], kind: kind, sessionId: row["sessionId"],
                subjectRef: row["subjectRef"], display: try decoder.decode([String: String].self, from: Data(displayText.utf8)),
                payload: try decoder.decode([String: JournalValue].self, from: Data(payloadText.utf8)), prevHash: row["prevHash"],
                hash: row["hash"])
        } catch {
            throw KioskError(.store, "journal seq \(row["seq"] as Int): display or payload is not a JSON object")
        }
    }
}
