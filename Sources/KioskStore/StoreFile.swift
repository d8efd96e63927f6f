import Foundation
import GRDB
import Glibc
import KioskCore

/// The store's file before SQLite is trusted with it: is it whole, ours, a version we know,
/// writable? And the one place SQLite errors become plain words.
enum StoreFile {
    static let header = Array("SQLite format 3\0".utf8)

    /// The schema version of an existing file, after checking that it is a whole kioskd store.
    /// Runs SQLite's quick_check over every page too: a damaged page found now is a clear
    /// refusal, found later it would be a failed append in front of a citizen.
    static func inspect(path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw KioskError(.store, "cannot read the database file \(path) (permissions?)")
        }
        let head = (try? handle.read(upToCount: 100)).map { Array($0 ?? Data()) } ?? []
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        try? handle.close()
        if size == 0 { throw damaged(path, "the file is empty (0 bytes): truncated, or never finished") }
        guard head.count == 100, Array(head.prefix(16)) == header else {
            throw damaged(path, size < 100 ? "the file is truncated (\(size) bytes)" : "it is not an SQLite database")
        }
        // The page count in the header is valid when its version stamp matches the change
        // counter; without a WAL beside it the file must then hold every page.
        let pageSize = Int(head[16]) << 8 | Int(head[17])
        let realPageSize = pageSize == 1 ? 65_536 : pageSize
        let pages = head[28..<32].reduce(0) { $0 << 8 | Int($1) }
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        if head[24..<28] == head[92..<96], walSize == 0, size < pages * realPageSize {
            throw damaged(path, "the file is truncated (\(size) bytes; its header says \(pages * realPageSize))")
        }
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let appId = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                guard appId == KioskStoreSchema.applicationId || (appId == 0 && version == 0 && tables == 0) else {
                    throw KioskError(.store, "\(path) is an SQLite database but not a kioskd store; it was left untouched")
                }
                if version <= KioskStoreSchema.version {
                    let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                    guard check == ["ok"] else { throw damaged(path, "SQLite's check says: \(check.prefix(3).joined(separator: "; "))") }
                }
                return version
            }
        } catch { throw Self.error(error, path: path) }
    }

    /// Refuses a file (or its WAL) whose permissions forbid writing. Checked on the mode bits,
    /// not with access(2): root may write anything, but a file someone made read-only was made
    /// so on purpose.
    static func requireWritable(path: String) throws {
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let mode = ((try? FileManager.default.attributesOfItem(atPath: file)[.posixPermissions]) as? Int) ?? 0
            if mode & 0o222 == 0 || !FileManager.default.isWritableFile(atPath: file) {
                throw KioskError(
                    .store,
                    "\(file) is read-only (permissions \(String(mode, radix: 8))); kioskd will not serve citizens without a "
                        + "writable journal: a technician restores write permission for the kioskd user")
            }
        }
    }

    /// Builds a new store under a temporary name, then links it into place (never replacing a
    /// file that appeared meanwhile) and syncs the folder.
    static func create(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw KioskError(.store, "cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).creating-\(getpid())").path
        for leftover in [temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal"] {
            try? FileManager.default.removeItem(atPath: leftover)
        }
        do {
            var config = Configuration()
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let queue = try DatabaseQueue(path: temporary, configuration: config)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try KioskStoreSchema.migrate(db)
            }
            try queue.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Self.error(error, path: temporary)
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        guard link(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            throw KioskError(.store, "cannot create \(path): \(why)")
        }
        let fd = Glibc.open(folder.path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func damaged(_ path: String, _ why: String) -> KioskError {
        KioskError(
            .store,
            "the database file \(path) is damaged: \(why). kioskd does not write into it and will not serve citizens; "
                + "keep the file for inspection and call the operations centre")
    }

    /// SQLite's errors in words a technician can act on.
    static func error(_ error: any Error, path: String) -> KioskError {
        if let error = error as? KioskError { return error }
        guard let error = error as? DatabaseError else { return KioskError(.store, "\(path): \(error)") }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return damaged(path, detail)
        case .SQLITE_READONLY, .SQLITE_PERM:
            return KioskError(.store, "cannot write the database \(path): it is read-only (\(detail))")
        case .SQLITE_CANTOPEN:
            return KioskError(.store, "cannot open the database \(path): the file or its folder is missing or not accessible")
        case .SQLITE_FULL: return KioskError(.store, "the disk holding \(path) is full: free space before serving citizens again")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return KioskError(.store, "the database \(path) is locked by another process (\(detail))")
        case .SQLITE_IOERR: return KioskError(.store, "the disk reported an I/O error on \(path) (\(detail)); check the disk")
        default: return KioskError(.store, "\(path): \(detail)")
        }
    }
}
