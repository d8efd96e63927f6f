import Foundation
import GRDB
import Glibc
import KioskCore

/// The kiosk's local store: one SQLite file (WAL, synchronous=FULL) with the journal, the outbox,
/// print requests, ratings, configuration versions and device events.
///
/// Opening is careful because the journal must never be lost or silently restarted: a file that
/// is damaged, truncated, read-only, not ours, or from a newer schema is refused with a
/// `.store` error before anything writes into it; a new file is built under a temporary name and
/// linked into place only once migrated, so a half-made file never passes for an empty journal.
public final class KioskStore: Sendable {
    public struct Options: Sendable, Equatable {
        /// Written into every journal record.
        public var kioskId: String
        /// Below this much free disk, `health()` says to start no new sessions.
        public var minimumFreeBytes: Int64
        /// How long a write waits for another process's lock.
        public var busyTimeoutSeconds: Double

        public static let defaultMinimumFreeBytes: Int64 = 50 * 1024 * 1024

        public init(kioskId: String, minimumFreeBytes: Int64 = defaultMinimumFreeBytes, busyTimeoutSeconds: Double = 5) {
            self.kioskId = kioskId
            self.minimumFreeBytes = minimumFreeBytes
            self.busyTimeoutSeconds = busyTimeoutSeconds
        }
    }

    public let path: String
    public let options: Options
    /// True for `openReadOnly`: kioskctl's view, which never creates, migrates or writes.
    public let isReadOnly: Bool
    let db: any DatabaseWriter

    private init(path: String, options: Options, isReadOnly: Bool, db: any DatabaseWriter) {
        self.path = path
        self.options = options
        self.isReadOnly = isReadOnly
        self.db = db
    }

    /// Opens the daemon's store: creates it when there is no file, migrates an older one.
    public static func open(path: String, options: Options) throws -> KioskStore {
        try KioskError.during("opening the store \(path)") {
            if FileManager.default.fileExists(atPath: path) {
                let found = try StoreFile.inspect(path: path)
                guard found <= KioskStoreSchema.version else { throw KioskStoreSchema.newerSchema(found) }
                try StoreFile.requireWritable(path: path)
            } else {
                try StoreFile.create(path: path)
            }
            var config = Configuration()
            config.busyMode = .timeout(options.busyTimeoutSeconds)
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: config)
                // FULL: a commit is on disk before append returns, so an acknowledged record
                // survives power loss, not only a crash of the process. Set here, on the one
                // writer connection, because GRDB's pool sets NORMAL after `prepareDatabase`.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                try pool.write { db in try KioskStoreSchema.migrate(db) }
            } catch { throw StoreFile.error(error, path: path) }
            let store = KioskStore(path: path, options: options, isReadOnly: false, db: pool)
            try store.checkJournalTail()
            return store
        }
    }

    /// Opens an existing store for reading only (kioskctl): never creates, migrates or writes.
    public static func openReadOnly(path: String) throws -> KioskStore {
        try KioskError.during("opening the store \(path) read-only") {
            guard FileManager.default.fileExists(atPath: path) else {
                throw KioskError(.store, "there is no database file at \(path) (check store.path in the configuration, or pass --db)")
            }
            let found = try StoreFile.inspect(path: path)
            guard found <= KioskStoreSchema.version else { throw KioskStoreSchema.newerSchema(found) }
            guard found == KioskStoreSchema.version else {
                throw KioskError(
                    .store,
                    "the database is at schema version \(found), older than this kioskctl's \(KioskStoreSchema.version); start kioskd once")
            }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(5)
            do {
                let queue = try DatabaseQueue(path: path, configuration: config)
                return KioskStore(path: path, options: Options(kioskId: ""), isReadOnly: true, db: queue)
            } catch { throw StoreFile.error(error, path: path) }
        }
    }

    /// Runs `body` in a read transaction; SQLite errors become plain `.store` errors.
    func read<T: Sendable>(_ doing: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await db.read(body) } catch { throw StoreFile.error(error, path: path).adding(context: doing) }
    }

    /// Runs `body` in one write transaction (committed with a full sync before it returns).
    func write<T: Sendable>(_ doing: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !isReadOnly else { throw KioskError(.store, "the store was opened read-only", context: [doing]) }
        do { return try await db.write(body) } catch { throw StoreFile.error(error, path: path).adding(context: doing) }
    }

    /// Refuses a journal whose newest records were deleted: SQLite's sequence remembers the
    /// highest seq ever written, and the hub's acknowledgement the highest it holds. Appending
    /// after such a loss would reuse sequence numbers the hub already has.
    private func checkJournalTail() throws {
        let (maxSeq, everSeq, acked) = try readNow { db in
            let maxSeq = try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM journal") ?? 0
            let anchor = try Int.fetchOne(db, sql: "SELECT seq FROM journal_anchor WHERE id = 1") ?? 0
            let ever = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'journal'") ?? 0
            let acked = try Int.fetchOne(db, sql: "SELECT ackedSeq FROM outbox_cursor WHERE destination = 'hub.journal'") ?? 0
            return (max(maxSeq, anchor), ever, acked)
        }
        if everSeq > maxSeq || acked > maxSeq {
            throw KioskError(
                .store,
                "the journal ends at seq \(maxSeq) but seq \(max(everSeq, acked)) was written before: its newest records were deleted; "
                    + "kioskd will not continue this journal (keep the file for inspection)")
        }
    }

    /// Closes the file (checkpointing the WAL into it); the store is unusable afterwards.
    public func close() throws {
        do {
            if let pool = db as? DatabasePool {
                // GRDB closes the writer before its read-only readers, so the last connection
                // cannot checkpoint: do it here, leaving the file whole on its own.
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                try pool.close()
            } else if let queue = db as? DatabaseQueue {
                try queue.close()
            }
        } catch { throw StoreFile.error(error, path: path) }
    }

    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try db.read(body) } catch { throw StoreFile.error(error, path: path) }
    }
}
