import Foundation
import KioskCore
import KioskTesting
import Testing

/// `kioskctl card read` against a real pcscd with the vpcd driver and the virtual card. Each
/// test has a pcscd of its own (IsolatedPCSC), so they run in parallel without sharing readers.
@Suite(.tags(.integration)) struct CardReadIntegrationTests {
    func read(_ profile: String?, _ extraArgs: [String] = [], card cardArgs: [String] = [], timeout: Double = 10) async throws -> (
        Rigs.Output, [String: Any]?
    ) {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        let card = try profile.map { try VirtualCard(profile: $0, port: pcsc.basePort, extra: cardArgs) }
        let out = try await Rigs.run(
            "kioskctl", ["card", "read", "--reader", pcsc.reader0, "--timeout", "\(timeout)"] + extraArgs, environment: pcsc.environment)
        await card?.remove()
        await pcsc.stop()
        let json = extraArgs.contains("--json") ? try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] : nil
        return (out, json)
    }

    @Test func readsAGeneration2CardMaskedWithEveryKey() async throws {
        let (out, json) = try await read("gen2", ["--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let j = try #require(json)
        let keys = [
            "generation", "cardNumberMasked", "ssnMasked", "nameMasked", "sex", "birthDate", "issueDate", "expiryDate",
            "regionCode", "cardIdentifier", "atr", "idChecksumValid", "expired",
        ]
        for key in keys { #expect(j[key] != nil, "missing \(key)") }
        #expect(j["generation"] as? Int == 2)
        #expect(j["ssnMasked"] as? String == "1101**********002X")
        #expect(j["nameMasked"] as? String == "张*")
        #expect(j["cardNumberMasked"] as? String == "X******19")
        #expect(j["birthDate"] as? String == "1949-12-31")
        #expect(j["idChecksumValid"] as? Bool == true)
        #expect(j["expired"] as? Bool == false)
        #expect((j["cardIdentifier"] as? String)?.count == 32)
        #expect(!out.stdout.contains("11010519491231002X") && !out.stdout.contains("张三"), "nothing unmasked")
    }

    @Test func printsTheVendorLineWithElevenFields() async throws {
        let (out, _) = try await read("gen2", ["--format", "ireadcardbas"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let line = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasSuffix("|"))
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).dropLast()
        #expect(fields.count == 11)
        #expect(fields[1] == "1101**********002X")
        #expect(fields[4] == "张*")
    }

    @Test func readsOverT0WithGetResponse() async throws {
        let (out, json) = try await read("gen2-t0", ["--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        #expect((json?["nameMasked"] as? String)?.hasPrefix("李") == true)
    }

    @Test func generation3WithoutAPSAMReturnsTheFreeFieldsAndSaysSo() async throws {
        let (out, json) = try await read("gen3", ["--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let j = try #require(json)
        #expect(j["generation"] as? Int == 3)
        #expect(j["ssnMasked"] is NSNull)
        #expect((j["notes"] as? [String])?.contains { $0.contains("PSAM") } == true)
    }

    /// Generation 1: spec 1.00, no card category or institution in EF05 (6A83), the holder's
    /// records in another order, T=0. Read by tag, it reads whole.
    @Test func readsAGeneration1CardWithItsOwnLayout() async throws {
        let (out, json) = try await read("gen1", ["--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let j = try #require(json)
        #expect(j["generation"] as? Int == 1)
        #expect(j["nameMasked"] as? String == "刘**")
        #expect(j["ssnMasked"] as? String == "3101**********0044")
        #expect(j["birthDate"] as? String == "1950-03-15")
        #expect(j["issueDate"] as? String == "2003-06-01")
        #expect(j["idChecksumValid"] as? Bool == true)
        #expect(j["protectedData"] is NSNull)
    }

    /// A name outside GB 2312 (禤, GBK) and outside GBK (㛃, four bytes of GB 18030).
    @Test func readsANameOutsideGB2312() async throws {
        let (out, json) = try await read("rare-chars", ["--json"])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        #expect(json?["nameMasked"] as? String == "禤**")
    }

    @Test(arguments: [("expired", Int32(6)), ("corrupt-tlv", 6), ("non-ssc", 3)])
    func refusedCardsExitWithTheirStatusAndOneLine(profile: String, status: Int32) async throws {
        let (out, _) = try await read(profile)
        #expect(out.exitCode == status, "stdout: \(out.stdout) stderr: \(out.stderr)")
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test func noCardWithinTheTimeoutIsExit2() async throws {
        let started = ContinuousClock.now
        let (out, _) = try await read(nil, timeout: 1)
        #expect(out.exitCode == 2)
        #expect(out.stderr.contains("insert"))
        #expect(ContinuousClock.now - started < TestTime.scaled(.seconds(20)), "a 1 s timeout must not turn into a hang")
    }

    @Test func anUnknownReaderIsExit5() async throws {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        let out = try await Rigs.run(
            "kioskctl", ["card", "read", "--reader", "No Such Reader", "--timeout", "1"], environment: pcsc.environment)
        await pcsc.stop()
        #expect(out.exitCode == 5, "stderr: \(out.stderr)")
    }

    @Test func pcscdDownIsExit5() async throws {
        let out = try await Rigs.run(
            "kioskctl", ["card", "read", "--timeout", "2"], environment: ["PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"])
        #expect(out.exitCode == 5)
        #expect(out.stderr.contains("pcscd"))
    }

    /// The card leaves after each APDU of the read in turn: every time the read says the card was
    /// removed (exit 4), never a wrong or partial identity; with all APDUs answered it reads.
    @Test func cardPulledAfterEachAPDUIsExit4() async throws {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        var n = 0
        while true {
            let card = try VirtualCard(profile: "gen2", port: pcsc.basePort, extra: ["--remove-after", "\(n)"])
            let out = try await Rigs.run(
                "kioskctl", ["card", "read", "--reader", pcsc.reader0, "--timeout", "10", "--json"], environment: pcsc.environment)
            await card.remove()
            if out.exitCode == 0 {
                #expect(n >= 10, "a full read needs more than \(n) APDUs")
                #expect(out.stdout.contains("1101**********002X"))
                break
            }
            #expect(out.exitCode == 4, "removed after \(n) APDUs: exit \(out.exitCode.map(String.init) ?? "?"), \(out.stderr)")
            #expect(!out.stdout.contains("ssnMasked"))
            n += 1
            if n > 40 { Issue.record("the read never completed"); break }
            // Wait until pcscd has seen the card go before inserting the next one.
            try await Task.sleep(for: .milliseconds(300))
        }
        await pcsc.stop()
    }
}
