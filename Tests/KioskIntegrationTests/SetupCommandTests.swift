import Foundation
import KioskHubSim
import Testing

/// `kioskctl setup` against the rigs' real pcscd, cupsd and a reference hub: every bad answer is
/// one line saying which and what to do, and nothing is written; the questions asked at a
/// terminal are answered from piped lines like a technician's.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct SetupCommandTests {
    static func site() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString.prefix(8))/kiosk.yaml").path
    }

    static let files = Rigs.repo.appendingPathComponent("kiosk-config").path

    @Test func badAnswersAreOneLineEachAndNothingIsWritten() async throws {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        defer { Task { await pcsc.stop() } }
        let site = Self.site()
        let out = try await Rigs.run(
            "kioskctl",
            [
                "setup", "--no-input", "--site", site, "--kiosk-id", "KIOSK-DEMO-0001", "--hub", "http://127.0.0.1:9/", "--card-reader",
                "No Such Reader 00 00", "--receipt-queue", "kiosk-receipt", "--a4-queue", "no-such-queue", "--files", Self.files,
            ], environment: pcsc.environment)
        #expect(out.exitCode == 1)
        let lines = out.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("kioskctl setup: kiosk.id: KIOSK-DEMO-0001 is the demo kiosk's id") }, "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("kioskctl setup: card.reader: no reader 'No Such Reader 00 00' (pcscd lists '\(pcsc.reader0)'")
            }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("kioskctl setup: printers.certificate: no CUPS queue 'no-such-queue'") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("kioskctl setup: hub.url: http://127.0.0.1:9/ does not work now") }, "\(lines)")
        #expect(lines.last == "kioskctl setup: nothing written to \(site)")
        #expect(!FileManager.default.fileExists(atPath: site))

        let missing = try await Rigs.run("kioskctl", ["setup", "--no-input", "--site", site], environment: pcsc.environment)
        #expect(missing.exitCode == 64)
        #expect(missing.stderr.contains("missing --kiosk-id, --hub, --card-reader, --receipt-queue, --a4-queue"), "\(missing.stderr)")
    }

    /// Asked, answered by piped lines: the card slot and queues chosen by number from the kiosk's
    /// own lists, a test page printed on each, the card in the chosen slot read and shown masked,
    /// the file written and loadable.
    @Test func theQuestionsAreAnsweredFromTheKiosksOwnLists() async throws {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        defer { Task { await pcsc.stop() } }
        let site = Self.site()
        let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
        let card = try VirtualCard(profile: "gen2", port: pcsc.basePort + 1)
        defer { Task { await card.remove() } }
        for _ in 0..<50 {
            let readers = try await Rigs.run("kioskctl", ["card", "readers"], environment: pcsc.environment).stdout
            if readers.contains("\(pcsc.reader1)\tcard") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let answers = "KIOSK-HALL-0043\n\(url)\n2\n0\n\n\n"
            let out = try await Rigs.tool(
                "sh",
                [
                    "-c",
                    "printf '\(answers)' | PCSCLITE_CSOCK_NAME='\(pcsc.socket)' '\(Rigs.executable("kioskctl").string)' setup --site '\(site)' "
                        + "--files '\(Self.files)' --store '\(site).sqlite'",
                ])
            #expect(out.exitCode == 0, "\(out.stdout)\n\(out.stderr)")
            #expect(out.stdout.contains("Which reader is the card slot?"))
            #expect(out.stdout.contains("test page on kiosk-receipt (receipt): printed"), "\(out.stdout)")
            #expect(out.stdout.contains("test page on kiosk-a4 (A4): printed"), "\(out.stdout)")
            #expect(out.stdout.contains("card slot \(pcsc.reader1): read a card"), "\(out.stdout)")
            #expect(out.stdout.contains("张*") && !out.stdout.contains("张三"), "the holder masked: \(out.stdout)")
            let written = try String(contentsOfFile: site, encoding: .utf8)
            #expect(written.contains("id: KIOSK-HALL-0043"))
            #expect(written.contains("reader: \(pcsc.reader1)"), "answer 2 is the second reader: \(written)")
            #expect(written.contains("receipt: kiosk-receipt") && written.contains("certificate: kiosk-a4"), "\(written)")
            let validated = try await Rigs.run("kioskctl", ["config", "validate", site])
            #expect(validated.exitCode == 0, "\(validated.stdout)\(validated.stderr)")
        }
    }
}
