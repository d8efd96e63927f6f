import ArgumentParser
import Foundation
import GRDBSQLite
import KioskCore
import KioskStore

/// Journal pruning: `KioskStore.pruneJournal` against raw SQLite doing the same work on a copy of
/// the same database (the anchor row, then one DELETE of the same rows, in one transaction, with
/// the same schema and triggers), alternated over rounds so drift in machine load hits both.
struct PruneBench {
    let records: Int
    let dir: String?
    var rounds = 4

    struct Rates {
        var ours: Double
        var raw: Double
    }

    func run() async throws -> Rates {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.path)
            .appendingPathComponent("kiosk-bench-prune-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // The journal a kiosk has after a year: every record delivered, all older than retention.
        let source = folder.appendingPathComponent("source.sqlite").path
        let store = try KioskStore.open(path: source, options: .init(kioskId: "KIOSK-BENCH-0001"))
        let entry = JournalEntry(
            kind: .serviceOutcome, sessionId: UUID().uuidString, subjectRef: String(repeating: "5a", count: 32),
            display: ["name": "张*", "ssn": "1101**********002X"],
            payload: ["service": .string("participation-certificate"), "outcome": .string("printed"), "pages": .int(1)])
        let old = Date().addingTimeInterval(-200 * 86400)
        var built = 0
        while built < records {
            let n = min(10_000, records - built)
            _ = try await store.append(Array(repeating: entry, count: n), at: old)
            built += n
        }
        try await store.acknowledgeJournal(through: records)
        try store.close()

        var ours: Duration = .zero
        var raw: Duration = .zero
        for round in 0..<rounds {
            for turn in 0..<2 {
                let copy = folder.appendingPathComponent("round-\(round)-\(turn).sqlite").path
                try FileManager.default.copyItem(atPath: source, toPath: copy)
                defer { try? FileManager.default.removeItem(atPath: copy) }
                if (round + turn) % 2 == 0 {
                    let pruning = try KioskStore.open(path: copy, options: .init(kioskId: "KIOSK-BENCH-0001"))
                    let start = ContinuousClock.now
                    let pruned = try await pruning.pruneJournal(olderThan: .seconds(180 * 86400))
                    ours += ContinuousClock.now - start
                    try pruning.close()
                    guard pruned == records else { throw ValidationError("pruned \(pruned) of \(records)") }
                } else {
                    raw += try Self.rawPrune(copy, through: records)
                }
            }
        }
        let total = Double(records * rounds / 2)
        return Rates(ours: total / (ours.milliseconds / 1000), raw: total / (raw.milliseconds / 1000))
    }

    /// The anchor and the DELETE through the C API, WAL and synchronous=FULL as the store runs.
    static func rawPrune(_ path: String, through seq: Int) throws -> Duration {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { throw ValidationError("open \(path)") }
        defer { sqlite3_close_v2(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw ValidationError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        let start = ContinuousClock.now
        try exec(
            """
            BEGIN IMMEDIATE;
            INSERT INTO journal_anchor (id, seq, hash, time, prunedAt, prunedCount)
                SELECT 1, seq, hash, time, '2026-01-01T00:00:00.000Z', \(seq) FROM journal WHERE seq = \(seq);
            DELETE FROM journal WHERE seq <= \(seq);
            COMMIT;
            """)
        return ContinuousClock.now - start
    }
}
