import Foundation
import KioskCore
import Testing

/// The generation-3 authentication relayed through a PSAM: a pcscd of the test's own with a card
/// reader and a SAM reader, devices/virtual-ssc in one and devices/virtual-psam in the other, read
/// by `kioskctl card read --psam-reader`. Every PSAM fault leaves the card's free fields read and
/// says why the holder is missing; none is taken for the citizen's card.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct PSAMIntegrationTests {
    /// Reads `profile` with `psam` (virtual-psam arguments; nil = the SAM slot left empty,
    /// "card:PROFILE" = a social security card in the SAM slot).
    func read(_ profile: String, psam: [String]?, samCard: String? = nil) async throws -> (Rigs.Output, [String: Any]) {
        let pcsc = try IsolatedPCSC(withPSAM: true)
        try await pcsc.start()
        let sam = try psam.map { try VirtualPSAMCard(port: pcsc.psamPort, extra: $0) }
        let other = try samCard.map { try VirtualCard(profile: $0, port: pcsc.psamPort) }
        let card = try VirtualCard(profile: profile, port: pcsc.basePort)
        // The SAM slot is read as pcscd lists it: wait until its card is there (or surely not).
        try await Task.sleep(for: .milliseconds(psam == nil && samCard == nil ? 300 : 0))
        for _ in 0..<50 where psam != nil || samCard != nil {
            let readers = try await Rigs.run("kioskctl", ["card", "readers"], environment: pcsc.environment).stdout
            if readers.split(separator: "\n").contains(where: { $0.hasPrefix(pcsc.psamReader) && $0.contains("\tcard") }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let out = try await Rigs.run(
            "kioskctl", ["card", "read", "--reader", pcsc.reader0, "--psam-reader", pcsc.psamReader, "--timeout", "10", "--json"],
            environment: pcsc.environment)
        await card.remove()
        await sam?.remove()
        await other?.remove()
        await pcsc.stop()
        let json = try #require(try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(out.stderr)")
        return (out, json)
    }

    @Test(arguments: [[String](), ["--t1"]])
    func aGeneration3CardIsReadWholeThroughThePSAM(psamArguments: [String]) async throws {
        let (out, json) = try await read("gen3", psam: psamArguments)
        #expect(out.exitCode == 0, "\(out.stderr)")
        #expect(json["nameMasked"] as? String == "王**")
        #expect(json["ssnMasked"] as? String == "4401**********0131")
        #expect(json["protectedData"] is NSNull)
        #expect(json["expiryDate"] as? String == "2035-01-01", "EF05 05/06 are read after the authentication too")
    }

    @Test func theLongNameWithItsExtensionIsReadThroughThePSAM() async throws {
        let (out, json) = try await read("gen3-long-name", psam: [])
        #expect(out.exitCode == 0, "\(out.stderr)")
        let masked = try #require(json["nameMasked"] as? String)
        #expect(masked.count > 15, "the extension (tag 4E) is part of the name: \(masked)")
    }

    @Test func anEmptySAMSlotLeavesTheHolderUnreadAsPSAMMissing() async throws {
        let (out, json) = try await read("gen3", psam: nil)
        #expect(out.exitCode == 0, "\(out.stderr)")
        #expect(json["ssnMasked"] is NSNull)
        #expect(json["protectedData"] as? String == "psam-missing")
        #expect(json["cardNumberMasked"] as? String == "X******35")
    }

    @Test func aPSAMAnsweringAnErrorIsAPSAMError() async throws {
        let (_, json) = try await read("gen3", psam: ["--fail", "6581"])
        #expect(json["protectedData"] as? String == "psam-error")
        #expect(json["ssnMasked"] is NSNull)
    }

    @Test func aSocialSecurityCardInTheSAMSlotIsNotAPSAM() async throws {
        let (_, json) = try await read("gen3", psam: nil, samCard: "gen2")
        #expect(json["protectedData"] as? String == "not-psam")
    }

    @Test func aPSAMWithAnotherKeyIsRefusedByTheCard() async throws {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("psam-other-\(UUID().uuidString.prefix(6)).json")
        defer { try? FileManager.default.removeItem(at: profile) }
        let shipped = try String(contentsOf: Rigs.repo.appendingPathComponent("devices/virtual-psam/psam.json"), encoding: .utf8)
        try shipped.replacingOccurrences(of: "4B494F534B442D5053414D2D54455354", with: "00112233445566778899AABBCCDDEEFF")
            .write(to: profile, atomically: true, encoding: .utf8)
        let (_, json) = try await read("gen3", psam: ["--profile", profile.path])
        #expect(json["protectedData"] as? String == "key-refused")
        #expect(json["ssnMasked"] is NSNull)
    }

    /// The PSAM leaves after answering INIT FOR DESCRYPT, before DES CRYPT: the read ends with
    /// the card's free fields, the PSAM missing; the citizen's card was never "removed".
    @Test func aPSAMPulledMidAuthenticationIsMissing() async throws {
        let (out, json) = try await read("gen3", psam: ["--remove-after", "1"])
        #expect(out.exitCode == 0, "\(out.stderr)")
        #expect(json["protectedData"] as? String == "psam-missing")
    }
}

extension DiagIntegrationTests {
    /// `kioskctl diag` names the PSAM's state: who acts and what to do.
    @Test func diagReportsThePSAM() async throws {
        let pcsc = try IsolatedPCSC(withPSAM: true)
        try await pcsc.start()
        let config = try Self.writeConfig(in: folder, reader: pcsc.reader0, psamReader: pcsc.psamReader)

        let empty = try await Self.diag(config: config, environment: pcsc.environment)
        #expect(try empty.verdict("psam") == "fail")
        #expect(try empty.actor("psam") == "technician")
        #expect(try empty.action("psam").contains("insert the kiosk's PSAM"))

        let psam = try VirtualPSAMCard(port: pcsc.psamPort)
        var good: Diag?
        for _ in 0..<50 {
            good = try await Self.diag(config: config, environment: pcsc.environment)
            if try good?.verdict("psam") == "ok" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let answered = try #require(good)
        let line = try answered.check("psam")
        #expect(line["verdict"] as? String == "ok", "\(line)")
        #expect(try answered.detail("psam").contains("PSAM 440100000001"))
        #expect(try answered.detail("reader \(pcsc.psamReader)").contains("SAM slot"))
        await psam.remove()

        let notPSAM = try VirtualCard(profile: "gen2", port: pcsc.psamPort)
        var wrong: Diag?
        for _ in 0..<50 {
            wrong = try await Self.diag(config: config, environment: pcsc.environment)
            if try wrong?.detail("psam").contains("not a PSAM") == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let other = try #require(wrong)
        let otherLine = try other.check("psam")
        #expect((otherLine["detail"] as? String)?.contains("not a PSAM") == true, "\(otherLine)")
        #expect(try other.action("psam").contains("take that card out"))
        await notPSAM.remove()
        await pcsc.stop()
    }
}
