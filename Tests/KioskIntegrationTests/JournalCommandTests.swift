import Foundation
import GRDB
import KioskCore
import KioskStore
import Testing

/// `kioskctl journal …` and `kioskctl outbox status` as a technician runs them, on store files
/// made here: intact, tampered with, missing, from a newer schema.
@Suite(.tags(.integration)) struct JournalCommandTests {
    let folder: URL
    var db: String { folder.appendingPathComponent("kiosk.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-journal-cmd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func makeJournal(records: Int = 6) async throws {
        let store = try KioskStore.open(path: db, options: .init(kioskId: "KIOSK-CTL-0001"))
        let t0 = Date(timeIntervalSince1970: 1_750_000_000)
        for i in 0..<records {
            _ = try await store.append(
                JournalEntry(kind: .maintenance, sessionId: "S-\(i)", display: ["name": "张*"], payload: ["step": .int(i)]),
                at: t0.addingTimeInterval(Double(i) * 60))
        }
        try await store.recordRating(
            RatingRecord(transactionId: "T-1", service: "card-status", score: 4, time: "2025-06-15T15:10:00.000Z"))
        try store.close()
    }

    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: db)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_prune_only")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    @Test func verifyTailExportAndOutboxOnAnIntactJournal() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try await makeJournal()
        let verify = try await Rigs.run("kioskctl", ["journal", "verify", "--db", db])
        #expect(verify.exitCode == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("journal intact: 7 records"))

        let tail = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "2", "--json", "--db", db])
        let lines = tail.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let last = try JSONDecoder().decode(JournalRecord.self, from: Data(lines[1].utf8))
        #expect(last.seq == 7)
        #expect(last.kind == .rating)

        let export = try await Rigs.run("kioskctl", ["journal", "export", "--since", "2025-06-15T15:09:00Z", "--db", db])
        #expect(export.exitCode == 0)
        let seqs = try export.stdout.split(separator: "\n").map { try JSONDecoder().decode(JournalRecord.self, from: Data($0.utf8)).seq }
        #expect(seqs == [4, 5, 6, 7])

        let outbox = try await Rigs.run("kioskctl", ["outbox", "status", "--json", "--db", db])
        #expect(outbox.exitCode == 0, "\(outbox.stderr)")
        let status = try JSONDecoder().decode([String: KioskStore.DestinationStatus].self, from: Data(outbox.stdout.utf8))
        #expect(status["hub.journal"]?.pending == 7)
        #expect(status["hub.ratings"]?.pending == 1)
        #expect(status["hub.journal"]?.lastDeliveryAt == nil)
    }

    @Test func theDatabaseComesFromTheConfiguration() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try await makeJournal()
        let config = folder.appendingPathComponent("kiosk.yaml").path
        try "store:\n  path: \(db)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let verify = try await Rigs.run("kioskctl", ["journal", "verify", "--config", config])
        #expect(verify.exitCode == 0, "\(verify.stderr)")
    }

    @Test func verifyNamesTheFirstBadRecordAndExitsOne() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try await makeJournal()
        try tamper(#"UPDATE journal SET display = '{"name":"王*"}' WHERE seq = 3"#)
        let edited = try await Rigs.run("kioskctl", ["journal", "verify", "--db", db])
        #expect(edited.exitCode == 1)
        #expect(edited.stdout.contains("journal broken at seq 3: edited"), "\(edited.stdout)")

        try tamper("DELETE FROM journal WHERE seq = 2")
        let deleted = try await Rigs.run("kioskctl", ["journal", "verify", "--json", "--db", db])
        #expect(deleted.exitCode == 1)
        let result = try JSONDecoder().decode(KioskStore.JournalVerification.self, from: Data(deleted.stdout.utf8))
        #expect(result.problem?.seq == 2)
        #expect(result.problem?.reason == .deleted)
    }

    @Test func aMissingOrNewerFileIsAClearErrorAndNothingIsCreatedOrChanged() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try await Rigs.run("kioskctl", ["journal", "tail", "--db", db])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no database file"))
        #expect(!FileManager.default.fileExists(atPath: db))

        try await makeJournal()
        let queue = try DatabaseQueue(path: db)
        try await queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        try queue.close()
        let before = FileManager.default.contents(atPath: db)
        let newer = try await Rigs.run("kioskctl", ["outbox", "status", "--db", db])
        #expect(newer.exitCode == 1)
        #expect(newer.stderr.contains("newer kioskd"), "\(newer.stderr)")
        #expect(FileManager.default.contents(atPath: db) == before)
    }
}
