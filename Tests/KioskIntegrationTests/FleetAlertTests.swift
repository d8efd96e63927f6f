import Foundation
import Subprocess
import SystemPackage
import Testing

/// A fleet as the centre sees it: 20 real kioskd (headless) against one reference hub, and a real
/// Prometheus scraping them with the shipped alert rules (`scripts/fleet up`). One kiosk's A4
/// printer runs out of paper: its alert fires, for that kiosk only, and resolves once the paper
/// is back; the hub holds every kiosk's latest heartbeat. The faulted printer is the rigs' fault
/// printer, so this is part of the serialized printer-fault suite.
extension PrintFaultIntegrationTests {
    static let fleetSize = 20

    @Test func aPaperOutInAFleetOfTwentyFiresItsAlertAndResolvesOnRefill() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-fleet-\(UUID().uuidString.prefix(8))")
        let hubPort = try LoopbackListener().releasingPort()
        let prometheusPort = try LoopbackListener().releasingPort()
        let environment = [
            "KIOSK_FLEET_DIR": folder.path, "KIOSK_FLEET_HUB_PORT": "\(hubPort)", "KIOSK_FLEET_METRICS_BASE": "21700",
            "KIOSK_FLEET_PROMETHEUS_PORT": "\(prometheusPort)", "KIOSK_FLEET_SCRAPE": "1s", "KIOSK_BIN_DIR": Rigs.binDir.path,
        ]
        try await Self.fault("clear")
        let up = try await Self.fleet(["up", "\(Self.fleetSize)", "--alert-for", "0s"], environment)
        #expect(up.exitCode == 0, "scripts/fleet up: \(up.stderr)")
        do {
            try await fleetFlow(hub: "http://127.0.0.1:\(hubPort)/", prometheus: "http://127.0.0.1:\(prometheusPort)/")
        } catch {
            try? await Self.fault("clear")
            _ = try? await Self.fleet(["down"], environment)
            throw error
        }
        try await Self.fault("clear")
        let down = try await Self.fleet(["down"], environment)
        #expect(down.exitCode == 0, "scripts/fleet down: \(down.stderr)")
        try? FileManager.default.removeItem(at: folder)
    }

    private func fleetFlow(hub: String, prometheus: String) async throws {
        // Every kiosk scraped and heard from.
        try await Self.until("every kiosk scraped up", seconds: 60) {
            let targets = try await Self.json(prometheus + "api/v1/targets")
            let active = ((targets["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
            return active.count == Self.fleetSize && active.allSatisfy { $0["health"] as? String == "up" }
        }
        try await Self.until("every kiosk's heartbeat at the hub", seconds: 60) {
            let beats = try await Self.json(hub + "sim/heartbeats")
            return beats.count == Self.fleetSize
                && beats.values.allSatisfy { beat in
                    PrintFaultIntegrationTests.device(beat as? [String: Any] ?? [:], "a4-printer")?["state"] as? String == "ok"
                }
        }
        #expect(try await Self.firing(prometheus, "KioskPrinterFaulted").isEmpty)

        try await Self.fault("paper-out")
        var faulted: [String] = []
        try await Self.until("the printer alert firing", seconds: 60) {
            faulted = try await Self.firing(prometheus, "KioskPrinterFaulted")
            return !faulted.isEmpty
        }
        #expect(faulted == ["KIOSK-FLEET-0001"], "only the faulted kiosk: \(faulted)")
        let beats = try await Self.json(hub + "sim/heartbeats")
        let first = try #require(beats["KIOSK-FLEET-0001"] as? [String: Any])
        #expect(Self.device(first, "a4-printer")?["state"] as? String == "failed", "\(first)")
        #expect(Self.device(beats["KIOSK-FLEET-0002"] as? [String: Any] ?? [:], "a4-printer")?["state"] as? String == "ok")

        try await Self.fault("clear")
        try await Self.until("the printer alert resolved", seconds: 60) {
            try await Self.firing(prometheus, "KioskPrinterFaulted").isEmpty
        }
        try await Self.until("the refilled printer ok at the hub", seconds: 30) {
            let beat = try await Self.json(hub + "sim/heartbeats")["KIOSK-FLEET-0001"] as? [String: Any] ?? [:]
            return Self.device(beat, "a4-printer")?["state"] as? String == "ok"
        }
    }

    static func fleet(_ arguments: [String], _ environment: [String: String]) async throws -> Rigs.Output {
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment { env[Environment.Key(stringLiteral: k)] = v }
        let result = try await Subprocess.run(
            .path(FilePath(Rigs.repo.appendingPathComponent("scripts/fleet").path)), arguments: Arguments(arguments),
            environment: .inherit.updating(env), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return Rigs.Output(status: result.terminationStatus, stdout: result.standardOutput, stderr: result.standardError)
    }

    /// The kiosks a firing alert of `name` names.
    static func firing(_ prometheus: String, _ name: String) async throws -> [String] {
        let alerts = ((try await json(prometheus + "api/v1/alerts")["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
        return alerts.compactMap { alert in
            let labels = alert["labels"] as? [String: String] ?? [:]
            return labels["alertname"] == name && alert["state"] as? String == "firing" ? labels["kiosk"] : nil
        }.sorted()
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let out = try await Rigs.tool("curl", ["-s", "--max-time", "5", url])
        return (try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    static func until(_ what: String, seconds: Int, _ holds: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await holds() { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw FleetWaitError(what: what, seconds: seconds)
    }
}

struct FleetWaitError: Error, CustomStringConvertible {
    var what: String
    var seconds: Int
    var description: String { "not within \(seconds) s: \(what)" }
}
