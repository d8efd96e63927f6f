import Foundation
import GRDB
import KioskCore

/// The store's other memories: print requests (KioskPrint's `PrintRequestLog`), the
/// configuration versions the kiosk ran, and device events for technicians.
extension KioskStore: PrintRequestLog {
    public func recordRequest(_ request: PrintRequest) async throws {
        try await write("recording a print request") { db in
            try db.execute(
                sql: """
                    INSERT INTO print_requests (id, kind, printer, sessionId, documentSHA256, pages, createdAt, jobId, safeToRetry)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.id, request.kind.rawValue, request.printer, request.sessionId, request.documentSHA256, request.pages,
                    request.createdAt, request.jobId, request.safeToRetry,
                ])
        }
    }

    public func attachJob(requestId: String, printer: String, jobId: Int) async throws {
        try await write("recording a print job id") { db in
            try db.execute(
                sql: "UPDATE print_requests SET printer = ?, jobId = ? WHERE id = ?", arguments: [printer, jobId, requestId])
            guard db.changesCount == 1 else { throw KioskError(.store, "no print request \(requestId)") }
        }
    }

    public func finish(requestId: String, outcome: PrintOutcome) async throws {
        let now = StoreTime.format(.now)
        try await write("closing a print request") { db in
            try db.execute(
                sql: "UPDATE print_requests SET outcome = ?, finishedAt = ? WHERE id = ? AND outcome IS NULL",
                arguments: [outcome.rawValue, now, requestId])
        }
    }

    public func openRequests() async throws -> [PrintRequest] {
        try await read("reading open print requests") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM print_requests WHERE outcome IS NULL ORDER BY createdAt, id").map { row in
                let kind: String = row["kind"]
                return PrintRequest(
                    id: row["id"], kind: PrintRequest.Kind(rawValue: kind) ?? .receipt, printer: row["printer"],
                    sessionId: row["sessionId"], documentSHA256: row["documentSHA256"], pages: row["pages"], createdAt: row["createdAt"],
                    jobId: row["jobId"], safeToRetry: row["safeToRetry"])
            }
        }
    }
}

extension KioskStore {
    public struct DeviceEvent: Sendable, Equatable, Codable {
        public var time: String
        /// "card-reader", "printer:kiosk-receipt", "hub".
        public var device: String
        public var event: String
        public var detail: String?

        public init(time: String, device: String, event: String, detail: String? = nil) {
            self.time = time
            self.device = device
            self.event = event
            self.detail = detail
        }
    }

    public func recordConfigVersion(_ version: ConfigVersionRecord) async throws {
        try await write("recording a configuration version") { db in
            try db.execute(
                sql: "INSERT INTO config_versions (version, sha256, source, appliedAt, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [version.version, version.sha256, version.source, version.appliedAt, version.body])
        }
    }

    /// Newest first.
    public func configVersions(limit: Int = 20) async throws -> [ConfigVersionRecord] {
        try await read("reading configuration versions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM config_versions ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                ConfigVersionRecord(
                    version: $0["version"], sha256: $0["sha256"], source: $0["source"], appliedAt: $0["appliedAt"], body: $0["body"])
            }
        }
    }

    /// The highest numeric version ever recorded (0 for none), whatever its outcome: one query,
    /// however long the history.
    public func highestConfigVersion() async throws -> Int {
        try await read("reading the highest configuration version") { db in
            try Int.fetchOne(
                db, sql: "SELECT MAX(CAST(version AS INTEGER)) FROM config_versions WHERE version <> '' AND version NOT GLOB '*[^0-9]*'")
                ?? 0
        }
    }

    public func recordDeviceEvent(_ event: DeviceEvent) async throws {
        try await write("recording a device event") { db in
            try db.execute(
                sql: "INSERT INTO device_events (time, device, event, detail) VALUES (?, ?, ?, ?)",
                arguments: [event.time, event.device, event.event, event.detail])
        }
    }

    /// Newest first.
    public func deviceEvents(limit: Int = 50) async throws -> [DeviceEvent] {
        try await read("reading device events") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM device_events ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                DeviceEvent(time: $0["time"], device: $0["device"], event: $0["event"], detail: $0["detail"])
            }
        }
    }

    /// Rows per table, for diagnostics and the migration tests.
    public func rowCounts() async throws -> [String: Int] {
        try await read("counting rows") { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var counts: [String: Int] = [:]
            for table in tables { counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? 0 }
            return counts
        }
    }
}
