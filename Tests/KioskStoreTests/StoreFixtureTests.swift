import Foundation
import KioskCore
import KioskStore
import Testing

/// One fixture per shipped schema version: today's code must open each, migrate it, and keep
/// every row.
@Suite struct StoreFixtureTests {
    @Test func theCommittedV1FixtureIsWhatTheGeneratorMakes() throws {
        let folder = try TemporaryFolder()
        let fresh = folder.path("v1.sqlite")
        try FixtureGenerator.makeV1(at: fresh)
        if ProcessInfo.processInfo.environment["KIOSK_WRITE_FIXTURES"] == "1" {
            try? FileManager.default.removeItem(atPath: FixtureGenerator.path(version: 1))
            try FileManager.default.copyItem(atPath: fresh, toPath: FixtureGenerator.path(version: 1))
        }
        // Differences here mean a shipped migration or the generator was edited.
        #expect(try FixtureGenerator.dump(fresh) == FixtureGenerator.dump(FixtureGenerator.path(version: 1)))
    }

    @Test func v1FixtureMigratesKeepingEveryRow() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("kiosk.sqlite")
        try FileManager.default.copyItem(atPath: FixtureGenerator.path(version: 1), toPath: path)
        let before = try FixtureGenerator.dump(path)
        #expect(before.filter { $0.key != "sqlite_master" }.allSatisfy { !$0.value.isEmpty }, "every table of the fixture has rows")

        let store = try KioskStore.open(path: path, options: .init(kioskId: "KIOSK-FIXTURE-0001"))
        let verification = try await store.verifyJournal()
        #expect(verification.problem == nil)
        #expect(verification.records == 11)
        #expect(try await store.outboxStatus()[0].pending == 8)
        #expect(try await store.openRequests().map(\.id) == ["P-2"])
        try store.close()

        let after = try FixtureGenerator.dump(path)
        for (table, rows) in before where table != "sqlite_master" {
            #expect(after[table].map { Set($0) }?.isSuperset(of: rows) == true, "rows of \(table) were lost or changed")
        }
        // And the journal carries on from the fixture's head.
        let reopened = try KioskStore.open(path: path, options: .init(kioskId: "KIOSK-FIXTURE-0001"))
        #expect(try await reopened.append(JournalEntry(kind: .maintenance)).seq == 12)
        #expect(try await reopened.verifyJournal().problem == nil)
    }
}
