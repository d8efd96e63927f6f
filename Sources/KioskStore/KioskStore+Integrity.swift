import GRDB
import KioskCore

extension KioskStore {
    /// SQLite's own check of every page and index (`PRAGMA integrity_check`): `["ok"]` when the
    /// file is whole, else SQLite's findings (at most 100). For `kioskctl diag`; read-only.
    public func integrityCheck() async throws -> [String] {
        try await read("checking the store's integrity") { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(100)") }
    }
}
