import Foundation
import GRDB
import KioskCore
import KioskStore

/// A folder of its own per test, removed afterwards.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-store-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum Fixture {
    static let kioskId = "KIOSK-TEST-0001"

    static func openStore(_ folder: TemporaryFolder, name: String = "kiosk.sqlite", minimumFreeBytes: Int64? = nil) throws -> KioskStore {
        var options = KioskStore.Options(kioskId: kioskId)
        if let minimumFreeBytes { options.minimumFreeBytes = minimumFreeBytes }
        return try KioskStore.open(path: folder.path(name), options: options)
    }

    static func entry(_ i: Int, session: String = "S-1") -> JournalEntry {
        JournalEntry(
            kind: [.sessionStart, .cardRead, .serviceOutcome, .print, .sessionEnd][i % 5], sessionId: session,
            subjectRef: String(repeating: "ab", count: 32), display: ["name": "张*", "ssn": "1101**********002X"],
            payload: ["service": .string("participation-certificate"), "step": .int(i), "ok": .bool(true)])
    }

    /// Appends `count` records and returns them.
    @discardableResult
    static func append(_ store: KioskStore, _ count: Int, from start: Int = 0) async throws -> [JournalRecord] {
        var out: [JournalRecord] = []
        for i in start..<start + count { out.append(try await store.append(entry(i))) }
        return out
    }

    /// A raw connection around the store's rules (triggers off), as someone tampering would use.
    static func tamper(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_prune_only")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    static func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }
}
