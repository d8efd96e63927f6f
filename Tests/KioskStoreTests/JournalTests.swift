import Foundation
import GRDB
import KioskCore
import Testing

@testable import KioskStore

@Suite struct JournalTests {
    @Test func appendsAChainWithoutGaps() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let records = try await Fixture.append(store, 20)
        #expect(records.map(\.seq) == Array(1...20))
        #expect(records[0].prevHash == JournalRecord.genesisHash)
        for (a, b) in zip(records, records.dropFirst()) { #expect(b.prevHash == a.hash) }
        for r in records { #expect(JournalChain.hash(of: r) == r.hash) }
        #expect(try await store.tail(3) == Array(records.suffix(3)))
        #expect(try await store.journalHead() == .init(seq: 20, hash: records[19].hash))
        let verification = try await store.verifyJournal()
        #expect(verification.problem == nil)
        #expect(verification.records == 20)
    }

    /// A task being cancelled (kioskd shutting down, a session torn down) still writes the
    /// record it appends: the event happened, and the journal is where it must be found.
    @Test func aCancelledTaskStillWritesTheRecordItAppends() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await store.append(JournalEntry(kind: .maintenance, payload: ["event": .string("shutdown")]))
        }
        let record = try await task.value
        #expect(record.seq == 1)
        #expect(try await store.journalHead() == .init(seq: 1, hash: record.hash))
    }

    @Test func commitsWithFullDurabilityInWALMode() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let (synchronous, mode) = try await store.write("testing") { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(synchronous == 2, "synchronous=FULL")
        #expect(mode == "wal")
    }

    @Test func continuesTheChainAfterReopening() async throws {
        let folder = try TemporaryFolder()
        let first = try await Fixture.append(try Fixture.openStore(folder), 3)
        let store = try Fixture.openStore(folder)
        let next = try await store.append(Fixture.entry(3))
        #expect(next.seq == 4)
        #expect(next.prevHash == first[2].hash)
        #expect(try await store.verifyJournal().problem == nil)
    }

    /// The wall clock jumping hours back and forth between appends: the records keep their
    /// order by sequence, each carries the time the kiosk believed, and the chain verifies (it
    /// links records by hash, never by time).
    @Test func aClockJumpingBackAndForthLeavesAChainThatVerifies() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let offsets: [TimeInterval] = [0, 1, -5 * 3600, -5 * 3600 + 1, 8 * 3600, 2]
        var records: [JournalRecord] = []
        for (i, offset) in offsets.enumerated() {
            records.append(try await store.append(Fixture.entry(i), at: start.addingTimeInterval(offset)))
        }
        #expect(records.map(\.seq) == Array(1...offsets.count))
        #expect(records.map(\.time) == offsets.map { StoreTime.format(start.addingTimeInterval($0)) })
        #expect(records[2].time < records[1].time, "the time the kiosk believed, not rewritten")
        let verification = try await store.verifyJournal()
        #expect(verification.problem == nil && verification.records == offsets.count)
    }

    @Test func refusesPersonalDataBeforeWriting() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        await #expect(throws: KioskError.self) {
            try await store.append(JournalEntry(kind: .cardRead, display: ["ssn": "11010519491231002X"]))
        }
        #expect(try await store.journalHead().seq == 0)
    }

    @Test func theDatabaseItselfRefusesUpdatesAndDeletes() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 3)
        // Through the store's own connection, as a bug in kioskd would try it.
        let update = try await Self.raw(store, "UPDATE journal SET kind = 'maintenance' WHERE seq = 2")
        #expect(update?.contains("append-only") == true)
        let delete = try await Self.raw(store, "DELETE FROM journal WHERE seq = 3")
        #expect(delete?.contains("retention") == true)
        #expect(try await store.verifyJournal().problem == nil)
    }

    @Test func verifyNamesAnEditedRecord() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 10)
        try Fixture.tamper(store.path, #"UPDATE journal SET display = '{"name":"李*"}' WHERE seq = 6"#)
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem.seq == 6)
        #expect(problem.reason == .edited)
    }

    @Test func verifyNamesARecordRewrittenWithANewHash() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let records = try await Fixture.append(store, 10)
        var forged = records[3]
        forged.payload["step"] = .int(99)
        forged.hash = JournalChain.hash(of: forged)
        try Fixture.tamper(
            store.path, "UPDATE journal SET payload = '\(JournalCanonical.object(forged.payload))', hash = '\(forged.hash)' WHERE seq = 4")
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem.seq == 4)
        #expect(problem.reason == .edited)
    }

    @Test func verifyNamesADeletedRecord() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 10)
        try Fixture.tamper(store.path, "DELETE FROM journal WHERE seq IN (4, 5)")
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem == JournalBreak(seq: 4, reason: .deleted, detail: "seq 4…5 are missing"))
    }

    @Test func verifyNamesDeletedNewestRecordsAndTheDaemonRefusesToContinue() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 10)
        try Fixture.tamper(store.path, "DELETE FROM journal WHERE seq > 8")
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem.seq == 9)
        #expect(problem.reason == .deleted)
        #expect(throws: KioskError.self) { try Fixture.openStore(folder) }
    }

    @Test func verifyNamesReorderedRecords() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 10)
        // Rows 5 and 6 swap places: every column but seq moves.
        let columns = "time, kind, kioskId, sessionId, subjectRef, display, payload, prevHash, hash"
        try Fixture.tamper(
            store.path,
            """
            CREATE TEMP TABLE swap AS SELECT seq, \(columns) FROM journal WHERE seq IN (5, 6);
            DELETE FROM journal WHERE seq IN (5, 6);
            INSERT INTO journal (seq, \(columns)) SELECT 11 - seq, \(columns) FROM swap;
            """)
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem.seq == 5)
        #expect(problem.reason == .reordered)
    }

    @Test func exportsFromATime() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let t0 = Date(timeIntervalSince1970: 1_750_000_000)
        for i in 0..<6 { _ = try await store.append(Fixture.entry(i), at: t0.addingTimeInterval(Double(i) * 60)) }
        let seen = Collected()
        try await store.forEachRecord(since: t0.addingTimeInterval(180)) { seen.add($0.seq) }
        #expect(seen.values == [4, 5, 6])
    }

    /// Runs SQL through the store's connection and returns the error text, if any.
    static func raw(_ store: KioskStore, _ sql: String) async throws -> String? {
        do {
            try await store.write("testing") { db in try db.execute(sql: sql) }
            return nil
        } catch { return "\(error)" }
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func add(_ value: Int) { lock.withLock { items.append(value) } }
    var values: [Int] { lock.withLock { items } }
}
