import GRDB
import KioskCore

/// The schema's versions and how a file moves between them. The version lives in SQLite's
/// `user_version`, the owner in `application_id`, both in the file header: a file that is not
/// ours, or that a newer kioskd wrote, is refused before anything touches it.
public enum KioskStoreSchema {
    /// The newest version this code knows.
    public static var version: Int { migrations.count }

    /// "KSKD": marks the file as a kioskd store.
    public static let applicationId: Int32 = 0x4B53_4B44

    /// Index i holds the SQL that takes a file from version i to i + 1. Shipped entries are never
    /// edited; the v1 fixture test holds them to that.
    static let migrations: [String] = [MigrationV1.sql]

    /// The SQL of every version in order, for baselines that must build the same tables
    /// without the store (kiosk-bench's raw SQLite loop).
    public static var migrationSQL: [String] { migrations }

    /// Migrates `db` up to `target` (default: the newest), each step in its own transaction that
    /// also sets `user_version`, so a crash leaves the file at a whole version.
    static func migrate(_ db: Database, upTo target: Int = version) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard current <= version else { throw newerSchema(current) }
        guard current < target else { return }
        for step in current..<target {
            try db.inTransaction {
                try db.execute(sql: migrations[step])
                try db.execute(sql: "PRAGMA user_version = \(step + 1)")
                try db.execute(sql: "PRAGMA application_id = \(applicationId)")
                return .commit
            }
        }
    }

    static func newerSchema(_ found: Int) -> KioskError {
        KioskError(
            .store,
            "the database was written by a newer kioskd (schema version \(found); this kioskd knows up to \(version)); "
                + "it was left untouched: install the newer kioskd again")
    }
}
