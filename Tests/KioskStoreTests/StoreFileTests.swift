import Foundation
import GRDB
import KioskCore
import KioskStore
import Testing

/// Files the store must refuse, each with a `.store` error in plain words, leaving the file as it was.
@Suite struct StoreFileTests {
    /// A store with records, closed, so its file is whole on disk.
    static func populated(_ folder: TemporaryFolder) async throws -> String {
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 50)
        try store.close()
        return store.path
    }

    static func expectRefused(_ path: String, saying words: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = Fixture.bytes(path)
        for open in [
            { _ = try KioskStore.open(path: path, options: .init(kioskId: Fixture.kioskId)) },
            { _ = try KioskStore.openReadOnly(path: path) },
        ] {
            let error = #expect(throws: KioskError.self, sourceLocation: sourceLocation) { try open() }
            #expect(error?.code == .store, sourceLocation: sourceLocation)
            #expect(error?.description.contains(words) == true, "\(error?.description ?? "")", sourceLocation: sourceLocation)
        }
        #expect(Fixture.bytes(path) == before, "the refused file was changed", sourceLocation: sourceLocation)
    }

    @Test func createsANewStoreWithSchemaAndOwnerStamp() async throws {
        let folder = try TemporaryFolder()
        let store = try KioskStore.open(path: folder.path("sub/dir/kiosk.sqlite"), options: .init(kioskId: "K"))
        let counts = try await store.rowCounts()
        #expect(
            counts.keys.sorted() == [
                "config_versions", "device_events", "journal", "journal_anchor", "outbox", "outbox_cursor", "print_requests", "ratings",
            ])
        let queue = try DatabaseQueue(path: store.path)
        let (version, appId) = try await queue.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try Int32.fetchOne(db, sql: "PRAGMA application_id"))
        }
        #expect(version == KioskStoreSchema.version)
        #expect(appId == KioskStoreSchema.applicationId)
        let journalMode = try await queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("sub/dir")).allSatisfy { !$0.contains("creating") })
    }

    @Test func refusesACorruptFile() async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        // Garbage over the second and third pages (the schema's tables), header intact.
        var data = Fixture.bytes(path)
        for i in 4096..<min(data.count, 3 * 4096) { data[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try data.write(to: URL(fileURLWithPath: path))
        try Self.expectRefused(path, saying: "damaged")
    }

    @Test func refusesAFileThatIsNotSQLite() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("kiosk.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        try Self.expectRefused(path, saying: "not an SQLite database")
    }

    @Test func refusesATruncatedFile() async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        let data = Fixture.bytes(path)
        #expect(data.count > 4 * 4096)
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        try Self.expectRefused(path, saying: "truncated")
    }

    @Test(arguments: [0, 60])
    func refusesAFileCutBeforeItsHeaderEnds(size: Int) async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        try Fixture.bytes(path).prefix(size).write(to: URL(fileURLWithPath: path))
        try Self.expectRefused(path, saying: size == 0 ? "empty" : "truncated")
    }

    @Test func refusesAFileFromANewerSchema() async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = \(KioskStoreSchema.version + 1)") }
        try queue.close()
        try Self.expectRefused(path, saying: "newer kioskd")
    }

    @Test func refusesAnotherApplicationsDatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("kiosk.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x')") }
        try queue.close()
        try Self.expectRefused(path, saying: "not a kioskd store")
    }

    @Test func theDaemonRefusesAReadOnlyFileButKioskctlReadsIt() async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = Fixture.bytes(path)
        let error = #expect(throws: KioskError.self) { try KioskStore.open(path: path, options: .init(kioskId: "K")) }
        #expect(error?.code == .store)
        #expect(error?.description.contains("read-only") == true)
        let reader = try KioskStore.openReadOnly(path: path)
        #expect(try await reader.verifyJournal().records == 50)
        #expect(Fixture.bytes(path) == before)
    }

    @Test func readOnlyOpeningNeverCreatesAFile() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: KioskError.self) { try KioskStore.openReadOnly(path: folder.path("missing.sqlite")) }
        #expect(error?.description.contains("no database file") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aReadOnlyStoreRefusesWrites() async throws {
        let folder = try TemporaryFolder()
        let path = try await Self.populated(folder)
        let reader = try KioskStore.openReadOnly(path: path)
        await #expect(throws: KioskError.self) { try await reader.append(Fixture.entry(0)) }
        #expect(try await reader.journalHead().seq == 50)
    }
}
