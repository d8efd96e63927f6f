import Foundation
import KioskCard
import KioskCore
import KioskPrint
import Testing

/// The two C bindings against the real peers: pcscd with the vpcd driver, cupsd with the rigs'
/// ippeveprinter queues.
@Suite(.tags(.integration)) struct DevicesIntegrationTests {
    @Test func pcscdListsTheTwoVirtualReaders() async throws {
        let readers = try await PCSCReaderDirectory().readers()
        let names = readers.map(\.name)
        #expect(names.contains("Virtual PCD 00 00"), "readers: \(names); is pcscd up with vpcd? scripts/rigs up")
        #expect(names.contains("Virtual PCD 00 01"))
    }

    @Test func cupsdListsTheTwoKioskQueues() async throws {
        let printers = try await CUPSPrinterDirectory().printers()
        let byName = Dictionary(printers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["kiosk-receipt"] != nil, "printers: \(printers.map(\.name)); scripts/rigs up")
        #expect(byName["kiosk-a4"] != nil)
        #expect(["idle", "processing"].contains(byName["kiosk-a4"]?.state ?? ""))
    }

    @Test func kioskctlDevicesPrintsTheContractJSON() async throws {
        let out = try await Rigs.run("kioskctl", ["devices", "--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let readers = try #require(json["readers"] as? [[String: Any]])
        let printers = try #require(json["printers"] as? [[String: Any]])
        #expect(readers.contains { $0["name"] as? String == "Virtual PCD 00 00" })
        #expect(readers.allSatisfy { $0.keys.sorted() == ["atr", "cardPresent", "name"] })
        #expect(printers.contains { $0["name"] as? String == "kiosk-receipt" })
        #expect(printers.allSatisfy { $0.keys.sorted() == ["name", "reasons", "state"] })
    }

    /// pcscd "stopped" without stopping the shared one: pcsc-lite is pointed at a socket where
    /// no pcscd listens (PCSCLITE_CSOCK_NAME), which is exactly what a client sees when it is down.
    @Test func kioskctlDevicesNamesPcscdWhenItIsDown() async throws {
        let started = ContinuousClock.now
        let out = try await Rigs.run("kioskctl", ["devices"], environment: ["PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"])
        #expect(out.exitCode == 1)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(out.stderr.contains("pcscd is not running") && out.stderr.contains("start it"), "stderr: \(out.stderr)")
        #expect(out.stdout.contains("kiosk-a4"), "the printers still answer")
        // kioskctl's own limit is 5 s; the bound here only tells a hang from a slow, loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    /// cupsd "stopped": the client is pointed at a loopback port where nothing listens.
    @Test func kioskctlDevicesNamesCupsdWhenItIsDown() async throws {
        let started = ContinuousClock.now
        let out = try await Rigs.run("kioskctl", ["devices", "--json"], environment: ["CUPS_SERVER": "127.0.0.1:9"])
        #expect(out.exitCode == 1)
        #expect(out.stderr.contains("cupsd is not reachable") && out.stderr.contains("start it"), "stderr: \(out.stderr)")
        #expect(out.stdout.contains("Virtual PCD 00 00"), "the readers still answer")
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
