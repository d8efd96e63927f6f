import ArgumentParser
import Foundation
import GRDBSQLite
import KioskCore
import KioskStore

/// `kiosk-bench journal`: durable appends per second through our store against a raw SQLite
/// C-API loop with the same pragmas (WAL, synchronous=FULL), schema and row size, alternated
/// in rounds in one run; then the time to verify a chain of a million records.
struct JournalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Journal: durable append rate vs raw SQLite; verify time.")

    @Option(help: "Appends a side.") var appends = 2000
    @Option(help: "Rounds the appends are split into, alternating sides.") var rounds = 100
    @Option(help: "Records in the chain to verify.") var verifyRecords = 1_000_000
    @Option(help: "Folder for the databases (on the disk under test).") var dir: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.path)
            .appendingPathComponent("kiosk-bench-journal-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let store = try KioskStore.open(
            path: folder.appendingPathComponent("ours.sqlite").path, options: .init(kioskId: "KIOSK-BENCH-0001"))
        let entry = JournalEntry(
            kind: .serviceOutcome, sessionId: UUID().uuidString, subjectRef: String(repeating: "5a", count: 32),
            display: ["name": "张*", "ssn": "1101**********002X"],
            payload: ["service": .string("participation-certificate"), "outcome": .string("printed"), "pages": .int(1)])
        let sample = try await store.append(entry)
        let raw = try RawSQLite(path: folder.appendingPathComponent("raw.sqlite").path, like: sample)

        // Alternate sides in short rounds, rotating which goes first, so drift in machine load
        // (other builds on this disk) hits every side alike.
        // Two more raw sides say where our extra time goes: the raw insert in an explicit
        // transaction (as GRDB's write wraps it), and with our own work (the head lookup, the
        // canonical bytes and their SHA-256) but no GRDB.
        let rawTx = try RawSQLite(path: folder.appendingPathComponent("raw-tx.sqlite").path, like: sample)
        let rawWork = try RawSQLite(path: folder.appendingPathComponent("raw-work.sqlite").path, like: sample)
        var times: [Duration] = Array(repeating: .zero, count: 5)
        let perRound = max(1, appends / rounds)
        for round in 0..<rounds {
            for turn in 0..<5 {
                let side = (round + turn) % 5
                let start = ContinuousClock.now
                switch side {
                case 0: for _ in 0..<perRound { _ = try await store.append(entry) }
                case 1: for _ in 0..<perRound { _ = try store.appendBlocking(entry) }
                case 2: try raw.append(count: perRound)
                case 3: try rawTx.append(count: perRound, transaction: true)
                default: try rawWork.append(count: perRound, sealing: entry)
                }
                times[side] += ContinuousClock.now - start
            }
        }
        let (oursTime, blockingTime, rawTime) = (times[0], times[1], times[2])
        let rawTxRate = Double(perRound * rounds) / (times[3].milliseconds / 1000)
        let rawWorkRate = Double(perRound * rounds) / (times[4].milliseconds / 1000)
        let total = Double(perRound * rounds)
        let oursRate = total / (oursTime.milliseconds / 1000)
        let rawRate = total / (rawTime.milliseconds / 1000)
        let blockingRate = total / (blockingTime.milliseconds / 1000)
        let ratio = oursRate / rawRate

        // The chain to verify: built in large transactions (building it append by append with
        // a sync each would take hours), then verified as `kioskctl journal verify` does.
        let big = try KioskStore.open(path: folder.appendingPathComponent("chain.sqlite").path, options: .init(kioskId: "KIOSK-BENCH-0001"))
        var built = 0
        while built < verifyRecords {
            let n = min(10_000, verifyRecords - built)
            _ = try await big.append(Array(repeating: entry, count: n))
            built += n
        }
        try big.close()
        let reader = try KioskStore.openReadOnly(path: folder.appendingPathComponent("chain.sqlite").path)
        let verifyStart = ContinuousClock.now
        let verification = try await reader.verifyJournal()
        let verifySeconds = (ContinuousClock.now - verifyStart).milliseconds / 1000
        guard verification.problem == nil, verification.records == verifyRecords else {
            throw ValidationError("the benchmark chain did not verify: \(String(describing: verification.problem))")
        }

        print(
            "journal: \(Int(total)) appends a side in \(rounds) rounds, row of \(raw.rowBytes) bytes, WAL + synchronous=FULL, in \(folder.path)"
        )
        print("| path | appends/s | ms per append | ratio |")
        print("|---|---|---|---|")
        print("| raw SQLite C API loop (baseline) | \(fmt(rawRate, 1)) | \(fmt(1000 / rawRate)) | 1.00 |")
        print(
            "| kioskd KioskStore.append (async, as the daemon calls it: the goal) | \(fmt(oursRate, 1)) | \(fmt(1000 / oursRate)) | \(fmt(ratio, 2)) |"
        )
        print(
            "| kioskd KioskStore.appendBlocking (same work on the caller's thread, like the raw loop) | \(fmt(blockingRate, 1)) | \(fmt(1000 / blockingRate)) | \(fmt(blockingRate / rawRate, 2)) |"
        )
        print(
            "| raw loop, each insert in BEGIN … COMMIT (for information) | \(fmt(rawTxRate, 1)) | \(fmt(1000 / rawTxRate)) | \(fmt(rawTxRate / rawRate, 2)) |"
        )
        print(
            "| raw loop with our work: head lookup, canonical bytes, SHA-256 (for information) | \(fmt(rawWorkRate, 1)) | \(fmt(1000 / rawWorkRate)) | \(fmt(rawWorkRate / rawRate, 2)) |"
        )
        print("")
        print("| chain | records | verify s | records/s |")
        print("|---|---|---|---|")
        print(
            "| KioskStore.verifyJournal | \(verifyRecords) | \(fmt(verifySeconds, 2)) | \(fmt(Double(verifyRecords) / verifySeconds, 0)) |")
        print(goalLine("journal-append-rate", measured: "\(fmt(ratio, 2))x raw", target: ">= 0.8x raw", met: ratio >= 0.8))
        print(goalLine("journal-verify-1m", measured: "\(fmt(verifySeconds, 1)) s", target: "<= 30 s", met: verifySeconds <= 30))
    }
}

/// The baseline: one prepared INSERT of a row shaped like ours, each in its own transaction,
/// on a file with the same schema and pragmas. Nothing else: no hashing, no head lookup.
final class RawSQLite {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?
    private var head: OpaquePointer?
    private var seq: Int64 = 0
    private let values: [String?]
    let rowBytes: Int

    init(path: String, like record: JournalRecord) throws {
        values = [
            record.time, record.kind.rawValue, record.kioskId, record.sessionId, record.subjectRef, JournalCanonical.object(record.display),
            JournalCanonical.object(record.payload), record.prevHash, record.hash,
        ]
        rowBytes = values.reduce(8) { $0 + ($1?.utf8.count ?? 0) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            throw ValidationError("sqlite3_open_v2 \(path) failed")
        }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
        for sql in KioskStoreSchema.migrationSQL { try exec(sql) }
        let sql = """
            INSERT INTO journal (seq, time, kind, kioskId, sessionId, subjectRef, display, payload, prevHash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        guard sqlite3_prepare_v2(db, sql, -1, &insert, nil) == SQLITE_OK,
            sqlite3_prepare_v2(db, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", -1, &head, nil) == SQLITE_OK
        else { throw ValidationError("prepare failed") }
    }

    deinit {
        sqlite3_finalize(insert)
        sqlite3_finalize(head)
        sqlite3_close_v2(db)
    }

    func append(count: Int, transaction: Bool = false, sealing entry: JournalEntry? = nil) throws {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for _ in 0..<count {
            if transaction { try exec("BEGIN DEFERRED TRANSACTION") }
            var row = values
            if let entry {
                // What the store does besides the insert, done as plainly as it can be.
                sqlite3_reset(head)
                guard sqlite3_step(head) == SQLITE_ROW || seq == 0 else { throw ValidationError("head lookup failed") }
                let prevHash = seq == 0 ? JournalRecord.genesisHash : String(cString: sqlite3_column_text(head, 1))
                sqlite3_reset(head)  // ends its read before the insert, as the store's statement does
                let display = JournalCanonical.object(entry.display)
                let payload = JournalCanonical.object(entry.payload)
                row[8] = JournalChain.hash(
                    JournalCanonical.compose(
                        seq: Int(seq + 1), time: row[0] ?? "", kind: entry.kind.rawValue, kioskId: row[2] ?? "",
                        sessionId: entry.sessionId, subjectRef: entry.subjectRef, displayJSON: display, payloadJSON: payload,
                        prevHash: prevHash))
                row[7] = prevHash
            }
            seq += 1
            sqlite3_reset(insert)
            sqlite3_bind_int64(insert, 1, seq)
            for (i, value) in row.enumerated() {
                if let value {
                    sqlite3_bind_text(insert, Int32(i + 2), value, -1, transient)
                } else {
                    sqlite3_bind_null(insert, Int32(i + 2))
                }
            }
            guard sqlite3_step(insert) == SQLITE_DONE else {
                throw ValidationError("insert failed: \(String(cString: sqlite3_errmsg(db)))")
            }
            if transaction { try exec("COMMIT TRANSACTION") }
        }
    }

    private func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw ValidationError("sqlite3_exec failed: \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}

/// `kiosk-bench journal-append-child --db PATH`: appends records in a loop and prints each
/// acknowledged seq on its own line, written straight to the pipe, for the crash test that
/// kills it with SIGKILL at random moments.
struct JournalAppendChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal-append-child", abstract: "Append in a loop, printing each acknowledged seq (crash tests).",
        shouldDisplay: false)

    @Option(help: "The database file.") var db: String
    @Option(help: "Stop after this many appends (0: until killed).") var count = 0
    @Option(help: "Date the records this many days back (a journal old enough to prune).") var agedDays = 0

    func run() async throws {
        let store = try KioskStore.open(path: db, options: .init(kioskId: "KIOSK-CRASH-0001"))
        let at = Date().addingTimeInterval(-Double(agedDays) * 86400)
        var i = 0
        while count == 0 || i < count {
            i += 1
            let entry = JournalEntry(
                kind: .maintenance, sessionId: "crash-\(getpid())", payload: ["i": .int(i), "pid": .int(Int(getpid()))])
            let record = try await (agedDays > 0 ? store.append([entry], at: at)[0] : store.append(entry))
            // One write(2) per line: a line is either wholly in the pipe or not at all.
            FileHandle.standardOutput.write(Data("\(record.seq)\n".utf8))
        }
    }
}

/// `kiosk-bench journal-prune-child --db PATH`: acknowledges the journal as the hub would, or
/// prunes it as kioskd's retention does, once; prints `pruned=N`. For the test of pruning on a
/// full disk: an error is said on stderr and the exit is 1.
struct JournalPruneChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal-prune-child", abstract: "Acknowledge or prune a journal once (disk-full tests).", shouldDisplay: false)

    @Option(help: "The database file.") var db: String
    @Option(help: "Mark records through this seq as acknowledged by the hub.") var acknowledgeThrough: Int?
    @Option(help: "Prune acknowledged records older than this many days.") var olderThanDays: Int?
    @Option(
        help: "Once the store is open, print `opened` and wait for this file before going on (kioskd's store is open when its disk fills).")
    var after: String?

    func run() async throws {
        let store = try KioskStore.open(path: db, options: .init(kioskId: "KIOSK-CRASH-0001"))
        defer { try? store.close() }
        if let after {
            FileHandle.standardOutput.write(Data("opened\n".utf8))
            while !FileManager.default.fileExists(atPath: after) { try await Task.sleep(for: .milliseconds(10)) }
        }
        if let acknowledgeThrough { try await store.acknowledgeJournal(through: acknowledgeThrough) }
        if let olderThanDays { print("pruned=\(try await store.pruneJournal(olderThan: .seconds(olderThanDays * 86400)))") }
    }
}
