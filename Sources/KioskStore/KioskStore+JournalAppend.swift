import GRDB
import GRDBSQLite
import KioskCore

/// The journal append itself: the kiosk's most frequent write, done on SQLite's own calls.
///
/// GRDB still owns the connection, serializes the writes and keeps the prepared statements
/// (it finalizes them when the store closes); the append only binds and steps them. GRDB's
/// generic path prepares `BEGIN` and `COMMIT` anew for every transaction (each compile running
/// its authorizer), turns the row into statement arguments and the head into a `Row`: about
/// 25 µs an append over the SQLite calls themselves, a tenth of a synced append on a fast
/// disk (`scripts/bench journal` shows the sides). The statements here run nowhere else, so
/// GRDB's memory of their arguments never disagrees with what is bound.
extension KioskStore {
    /// Runs `body` in one IMMEDIATE transaction, rolled back if anything in it throws.
    static func inJournalTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let connection = db.sqliteConnection
        try step(try db.cachedStatement(sql: "BEGIN IMMEDIATE"), on: connection)
        do {
            let result = try body()
            try step(try db.cachedStatement(sql: "COMMIT"), on: connection)
            return result
        } catch {
            // A failed COMMIT (a full disk) can leave the transaction open: end it, or the next
            // append would find it still there.
            if sqlite3_get_autocommit(connection) == 0 { try? db.execute(sql: "ROLLBACK") }
            throw error
        }
    }

    /// Seals and inserts one record after the current head, in the caller's transaction.
    static func insertRecord(_ db: Database, kioskId: String, entry: JournalEntry, time: String) throws -> JournalRecord {
        let connection = db.sqliteConnection
        let head = try journalHead(db)
        let seq = head.seq + 1
        let display = JournalCanonical.object(entry.display)
        let payload = JournalCanonical.object(entry.payload)
        let hash = JournalChain.hash(
            JournalCanonical.compose(
                seq: seq, time: time, kind: entry.kind.rawValue, kioskId: kioskId, sessionId: entry.sessionId,
                subjectRef: entry.subjectRef, displayJSON: display, payloadJSON: payload, prevHash: head.hash))
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO journal (seq, time, kind, kioskId, sessionId, subjectRef, display, payload, prevHash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let statement = insert.sqliteStatement
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, Int64(seq))
        let texts: [String?] = [time, entry.kind.rawValue, kioskId, entry.sessionId, entry.subjectRef, display, payload, head.hash, hash]
        for (offset, text) in texts.enumerated() {
            if let text {
                // By byte count, as GRDB binds: a NUL inside the text must not end it.
                sqlite3_bind_text(statement, Int32(offset + 2), text, Int32(text.utf8.count), transientText)
            } else {
                sqlite3_bind_null(statement, Int32(offset + 2))
            }
        }
        try step(insert, on: connection)
        return JournalRecord(
            kioskId: kioskId, seq: seq, time: time, kind: entry.kind, sessionId: entry.sessionId, subjectRef: entry.subjectRef,
            display: entry.display, payload: entry.payload, prevHash: head.hash, hash: hash)
    }

    /// The newest record's seq and hash, read on the writer inside its transaction.
    private static func journalHead(_ db: Database) throws -> JournalHead {
        let newest = try db.cachedStatement(sql: "SELECT seq, hash FROM journal WHERE seq = (SELECT MAX(seq) FROM journal)")
        let statement = newest.sqliteStatement
        sqlite3_reset(statement)
        defer { sqlite3_reset(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_ROW:
            let hash = sqlite3_column_text(statement, 1).map { String(cString: $0) } ?? ""
            return JournalHead(seq: Int(sqlite3_column_int64(statement, 0)), hash: hash)
        case SQLITE_DONE:
            // No record: after the anchor when everything was pruned, else from the genesis.
            return try head(db)
        case let code:
            throw failure(code, on: db.sqliteConnection, statement: statement)
        }
    }

    /// Steps a statement that returns no row to its end, and resets it.
    private static func step(_ statement: Statement, on connection: OpaquePointer?) throws {
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        defer {
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
        }
        let code = sqlite3_step(raw)
        guard code == SQLITE_DONE else { throw failure(code, on: connection, statement: raw) }
    }

    /// SQLite's failure as GRDB would report it, so `StoreFile.error` says what it means.
    private static func failure(_ code: Int32, on connection: OpaquePointer?, statement: OpaquePointer?) -> DatabaseError {
        let extended = sqlite3_extended_errcode(connection)
        return DatabaseError(
            resultCode: ResultCode(rawValue: extended != 0 ? extended : code), message: String(cString: sqlite3_errmsg(connection)),
            sql: statement.flatMap { sqlite3_sql($0) }.map { String(cString: $0) })
    }

    /// SQLITE_TRANSIENT: SQLite copies the text, which Swift frees right after the bind.
    private static let transientText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
