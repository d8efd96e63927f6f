import Foundation
import Testing

/// A printer fault as the centre sees it, from a real kioskd against the rigs and the reference
/// hub: one journal record when the roll runs out and one when it is refilled (however often
/// the printer is polled meanwhile), the hub's latest heartbeat saying so within seconds, and
/// the metrics counting it. On the rigs' kiosk-fault printer, so part of the serialized fault suite.
extension PrintFaultIntegrationTests {
    @Test func paperOutIsOneFaultRecordEachWayAHeartbeatAndAMetric() async throws {
        try await Self.fault("clear")
        let port = try LoopbackListener().releasingPort()
        do {
            try await KioskEndToEnd.run(certificatePrinter: "kiosk-fault", metricsListen: "127.0.0.1:\(port)") { kiosk in
                _ = try await kiosk.screen(contains: "请插入社保卡")
                try await Self.untilHeartbeat(kiosk) { Self.device($0, "a4-printer")?["state"] as? String == "ok" }

                try await Self.fault("paper-out")
                let failed = try await Self.untilHeartbeat(kiosk) { Self.device($0, "a4-printer")?["state"] as? String == "failed" }
                let printer = try #require(Self.device(failed, "a4-printer"))
                #expect((printer["reasons"] as? [String])?.contains { $0.hasPrefix("media-empty") } == true, "\(printer)")
                let down: (String) -> Bool = { $0.contains(#"kioskd_device_up{device="a4-printer"} 0.0"#) }
                let scrape = try await MetricsEndpointTests.scrape(port, until: down)
                #expect(
                    scrape.lines.contains { $0.hasPrefix(#"kioskd_device_faults_total{device="a4-printer",reason="media-empty"} 1"#) },
                    "\(scrape.body)")
                // Polled every few seconds while empty: still one record.
                try await Task.sleep(for: .seconds(6))

                try await Self.fault("clear")
                try await Self.untilHeartbeat(kiosk) { Self.device($0, "a4-printer")?["state"] as? String == "ok" }
                let records = try await Self.faultRecords(kiosk, device: "a4-printer")
                #expect(records.map { $0["phase"] as? String } == ["began", "ended"], "\(records)")
                #expect((records.last?["seconds"] as? Int ?? -1) >= 6, "\(records)")
                let up: (String) -> Bool = { $0.contains(#"kioskd_device_up{device="a4-printer"} 1.0"#) }
                let after = try await MetricsEndpointTests.scrape(port, until: up)
                #expect(after.lines.contains { $0.hasPrefix(#"kioskd_device_faults_total{device="a4-printer",reason="media-empty"} 1"#) })
                #expect(try await kiosk.journalVerifies())
            }
        } catch {
            try? await Self.fault("clear")
            throw error
        }
        try await Self.fault("clear")
    }

    /// A jam, then the door opened on it: each its own reasons at the hub and in the journal (the
    /// door a new record of the same fault), one end when the printer is ready again.
    @Test func aJamThenAnOpenDoorAreSaidAsSuchAndEndOnce() async throws {
        try await Self.fault("clear")
        do {
            try await KioskEndToEnd.run(certificatePrinter: "kiosk-fault") { kiosk in
                _ = try await kiosk.screen(contains: "请插入社保卡")
                try await Self.untilHeartbeat(kiosk) { Self.device($0, "a4-printer")?["state"] as? String == "ok" }
                // The rigs' IPP printer says cover-open for an open door (ippeveprinter knows no door-open).
                for (fault, reason) in [("jam", "media-jam"), ("door-open", "cover-open")] {
                    try await Self.fault(fault)
                    let beat = try await Self.untilHeartbeat(kiosk) {
                        (Self.device($0, "a4-printer")?["reasons"] as? [String])?.contains { $0.hasPrefix(reason) } == true
                    }
                    #expect(Self.device(beat, "a4-printer")?["state"] as? String == "failed", "\(beat)")
                }
                try await Self.fault("clear")
                try await Self.untilHeartbeat(kiosk) { Self.device($0, "a4-printer")?["state"] as? String == "ok" }
                let records = try await Self.faultRecords(kiosk, device: "a4-printer")
                #expect(records.map { $0["phase"] as? String } == ["began", "began", "ended"], "\(records)")
                #expect((records.first?["reasons"] as? String)?.contains("media-jam") == true, "\(records)")
                #expect((records.dropFirst().first?["newReasons"] as? String)?.contains("cover-open") == true, "\(records)")
                #expect(try await kiosk.journalVerifies())
            }
        } catch {
            try? await Self.fault("clear")
            throw error
        }
        try await Self.fault("clear")
    }

    /// The reference hub's latest heartbeat of the test kiosk, polled until `holds`.
    @discardableResult
    static func untilHeartbeat(_ kiosk: KioskEndToEnd, seconds: Int = 30, _ holds: ([String: Any]) -> Bool) async throws -> [String: Any] {
        var beat: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            // "null" until the first heartbeat arrives.
            beat = (try? await kiosk.hubJSON("sim/heartbeats/KIOSK-E2E-0001")) as? [String: Any] ?? [:]
            if holds(beat) { return beat }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("no heartbeat held what was awaited within \(seconds) s; the last: \(beat)")
        return beat
    }

    static func device(_ beat: [String: Any], _ name: String) -> [String: Any]? {
        (beat["devices"] as? [[String: Any]])?.first { $0["device"] as? String == name }
    }

    /// The payloads of the kiosk's device-fault records for `device`, oldest first.
    static func faultRecords(_ kiosk: KioskEndToEnd, device: String) async throws -> [[String: Any]] {
        try await kiosk.journalRecords().compactMap { record in
            guard record["kind"] as? String == "device-fault", let payload = record["payload"] as? [String: Any],
                payload["device"] as? String == device
            else { return nil }
            return payload
        }
    }
}
