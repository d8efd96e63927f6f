import Foundation
import GRDB
import KioskCore

@testable import KioskStore

/// Makes Fixtures/v<N>.sqlite: a store at schema version N with rows in every table, written
/// with plain SQL (not the store's API, which moves on with the schema). Regenerate with
/// `KIOSK_WRITE_FIXTURES=1 swift test --filter StoreFixtureTests`; a shipped fixture never
/// changes, and `StoreFixtureTests` checks that this generator still makes exactly it.
enum FixtureGenerator {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(version: Int) -> String { folder.appendingPathComponent("v\(version).sqlite").path }

    static func makeV1(at path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try KioskStoreSchema.migrate(db, upTo: 1)
            try db.inTransaction {
                try fillV1(db)
                return .commit
            }
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
    }

    private static func fillV1(_ db: Database) throws {
        let kioskId = "KIOSK-FIXTURE-0001"
        let subjectRef = SubjectKey(bytes: Array(repeating: 7, count: 32)).subjectRef(ssn: "11010519491231002X")
        let entries: [JournalEntry] = [
            JournalEntry(kind: .sessionStart, sessionId: "S-1"),
            JournalEntry(
                kind: .cardRead, sessionId: "S-1", subjectRef: subjectRef, display: ["name": "张*", "ssn": "1101**********002X"],
                payload: ["generation": .int(3)]),
            JournalEntry(kind: .faceCapture, sessionId: "S-1", subjectRef: subjectRef, payload: ["frames": .int(2)]),
            JournalEntry(kind: .faceWipe, sessionId: "S-1", subjectRef: subjectRef, payload: ["frames": .int(2), "zeroed": .bool(true)]),
            JournalEntry(
                kind: .serviceOutcome, sessionId: "S-1", subjectRef: subjectRef,
                payload: ["service": .string("pension-qualification"), "outcome": .string("passed")]),
            JournalEntry(kind: .print, sessionId: "S-1", payload: ["kind": .string("receipt"), "pages": .int(1)]),
            JournalEntry(
                kind: .rating, sessionId: "S-1",
                payload: ["transactionId": .string("T-1"), "service": .string("pension-qualification"), "score": .int(5)]),
            JournalEntry(kind: .sessionEnd, sessionId: "S-1", payload: ["reason": .string("card-removed")]),
            JournalEntry(kind: .configChange, payload: ["version": .string("2025.03.01-1")]),
            JournalEntry(kind: .maintenance, payload: ["action": .string("paper-refilled")]),
            JournalEntry(kind: .deviceFault, payload: ["device": .string("printer:kiosk-receipt"), "reason": .string("media-empty")]),
        ]
        for (i, entry) in entries.enumerated() {
            let time = String(format: "2025-03-01T08:%02d:00.000Z", i)
            _ = try KioskStore.insertRecord(db, kioskId: kioskId, entry: entry, time: time)
        }
        try db.execute(
            sql: """
                UPDATE outbox_cursor SET ackedSeq = 3, lastDeliveryAt = '2025-03-01T08:03:01.000Z',
                    lastError = 'the hub did not answer within 5 s', lastErrorAt = '2025-03-01T08:05:01.000Z', attempts = 1
                WHERE destination = 'hub.journal';
                INSERT INTO journal_anchor (id, seq, hash, time, prunedAt, prunedCount)
                    SELECT 1, 0, prevHash, '2025-03-01T08:00:00.000Z', '2025-03-01T08:00:00.000Z', 0 FROM journal WHERE seq = 1;
                INSERT INTO ratings (transactionId, service, score, comment, sessionId, time)
                    VALUES ('T-1', 'pension-qualification', 5, '很方便', 'S-1', '2025-03-01T08:06:00.000Z'),
                           ('T-0', 'contribution-history', 3, NULL, 'S-0', '2025-02-28T16:00:00.000Z');
                INSERT INTO outbox (destination, itemKey, state, createdAt, attempts, lastAttemptAt, lastError, deliveredAt)
                    VALUES ('hub.ratings', 'T-0', 'delivered', '2025-02-28T16:00:00.000Z', 1, '2025-02-28T16:00:01.000Z', NULL,
                            '2025-02-28T16:00:01.000Z'),
                           ('hub.ratings', 'T-1', 'pending', '2025-03-01T08:06:00.000Z', 0, NULL, NULL, NULL);
                INSERT INTO print_requests (id, kind, printer, sessionId, documentSHA256, pages, createdAt, jobId, safeToRetry, outcome, finishedAt)
                    VALUES ('P-1', 'receipt', 'kiosk-receipt', 'S-1', '\(String(repeating: "c", count: 64))', 1, '2025-03-01T08:05:30.000Z',
                            17, 1, 'completed', '2025-03-01T08:05:40.000Z'),
                           ('P-2', 'certificate', 'kiosk-a4', 'S-2', '\(String(repeating: "d", count: 64))', 2, '2025-03-01T08:09:00.000Z',
                            NULL, 0, NULL, NULL);
                INSERT INTO config_versions (version, sha256, source, appliedAt, body)
                    VALUES ('2025.03.01-1', '\(String(repeating: "e", count: 64))', 'hub', '2025-03-01T08:08:00.000Z', 'kiosk:\n  id: KIOSK-FIXTURE-0001\n');
                INSERT INTO device_events (time, device, event, detail)
                    VALUES ('2025-03-01T08:10:00.000Z', 'printer:kiosk-receipt', 'fault', 'media-empty'),
                           ('2025-03-01T08:10:30.000Z', 'card-reader', 'card-inserted', NULL);
                """)
    }

    /// Every table's schema and rows as text, for comparing two files.
    static func dump(_ path: String) throws -> [String: [String]] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            var out: [String: [String]] = [:]
            out["sqlite_master"] = try String.fetchAll(
                db, sql: "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY name")
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for table in tables {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid").map { row in
                    row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: "|")
                }
            }
            return out
        }
    }
}
