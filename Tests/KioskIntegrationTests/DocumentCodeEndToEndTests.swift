import Foundation
import Testing

/// Every printed paper can be checked: a citizen prints a certificate and its receipt; the receipt
/// carries its code (R-seq-hash8-kiosk) as text, bound to its own journal record; the reference
/// hub answers `GET /v1/documents/{code}` valid once the journal reached it, mismatch for a forged
/// hash, unknown for a record it never had; the certificate's verification code is valid at the
/// hub; `kioskctl journal find` answers the same from the kiosk's own journal (a certificate by
/// the record of its print, which carries its verification code).
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct DocumentCodeEndToEndTests {
    @Test func aPrintedReceiptsCodeIsValidAtTheHubAndOnTheKiosk() async throws {
        let receipts = KioskEndToEnd.keptJobsFolder("receipt")
        let before = KioskEndToEnd.keptJobs("receipt")
        try await KioskEndToEnd.run { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let certificateCode = try #require(CitizenFlowEndToEndTests.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()

            // The receipt's own record in this kiosk's journal (other kiosks of other tests share
            // the id), and the receipt this kiosk printed with that code on it.
            let records = try await kiosk.journalRecords()
            let issued = try #require(
                records.first { ($0["payload"] as? [String: Any])?["state"] as? String == "issued" }, "no issued receipt record")
            let seq = try #require(issued["seq"] as? Int)
            let hash = try #require(issued["hash"] as? String)
            let receiptCode = "R-\(seq)-\(hash.prefix(8))-KIOSK-E2E-0001"
            var printed: String?
            for _ in 0..<50 where printed == nil {
                let added = KioskEndToEnd.keptJobs("receipt").subtracting(before)
                for file in added where file.hasSuffix(".pdf") {
                    let text = try await Rigs.tool("pdftotext", ["\(receipts)/\(file)", "-"]).stdout
                    if text.contains(receiptCode) { printed = text }
                }
                if printed == nil { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(printed?.contains("回执核验码") == true, "no receipt with \(receiptCode) at the receipt printer")

            // The kiosk's own journal: the code names its receipt's record.
            let find = try await Rigs.run("kioskctl", ["journal", "find", receiptCode, "--json", "--db", kiosk.storePath])
            #expect(find.exitCode == 0 && find.stdout.contains(#""status":"valid""#), "\(find.stdout) \(find.stderr)")
            let forged = Self.forged(receiptCode)
            let refused = try await Rigs.run("kioskctl", ["journal", "find", forged, "--db", kiosk.storePath])
            #expect(refused.exitCode == 1 && refused.stdout.hasPrefix("mismatch"), "\(refused.stdout)")
            let notACode = try await Rigs.run("kioskctl", ["journal", "find", "not a code", "--db", kiosk.storePath])
            #expect(notACode.exitCode == 2)
            // The certificate: found by its verification code in the record of its print.
            let certificateHere = try await Rigs.run(
                "kioskctl", ["journal", "find", certificateCode, "--json", "--db", kiosk.storePath])
            #expect(certificateHere.exitCode == 0, "\(certificateHere.stdout) \(certificateHere.stderr)")
            #expect(
                certificateHere.stdout.contains(#""status":"valid""#) && certificateHere.stdout.contains(#""kind":"certificate""#)
                    && certificateHere.stdout.contains(#""certificateNo":"#), "\(certificateHere.stdout)")
            let elsewhere = try await Rigs.run("kioskctl", ["journal", "find", "NOT-PRINTED-HERE", "--db", kiosk.storePath])
            #expect(elsewhere.exitCode == 1 && elsewhere.stdout.hasPrefix("unknown"), "\(elsewhere.stdout)")

            // The hub, once the outbox delivered the record.
            var answer: [String: Any] = [:]
            for _ in 0..<80 {
                answer = try await kiosk.hubJSON("v1/documents/\(receiptCode)") as? [String: Any] ?? [:]
                if answer["status"] as? String == "valid" { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(answer["status"] as? String == "valid" && answer["kind"] as? String == "receipt", "\(answer)")
            #expect(answer["kioskId"] as? String == "KIOSK-E2E-0001" && answer["issuedAt"] is String, "\(answer)")
            let mismatch = try await kiosk.hubJSON("v1/documents/\(forged)") as? [String: Any] ?? [:]
            #expect(mismatch["status"] as? String == "mismatch", "\(mismatch)")
            let unknown = try await kiosk.hubJSON("v1/documents/R-999999-00000000-KIOSK-E2E-0001") as? [String: Any] ?? [:]
            #expect(unknown["status"] as? String == "unknown", "\(unknown)")
            let certificate = try await kiosk.hubJSON("v1/documents/\(certificateCode)") as? [String: Any] ?? [:]
            #expect(certificate["status"] as? String == "valid" && certificate["kind"] as? String == "certificate", "\(certificate)")
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// The same code with one hex digit of the hash changed.
    static func forged(_ code: String) -> String {
        var parts = code.split(separator: "-", maxSplits: 3).map(String.init)
        let first = parts[2].first == "0" ? "1" : "0"
        parts[2] = first + parts[2].dropFirst()
        return parts.joined(separator: "-")
    }
}
