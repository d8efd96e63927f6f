import Foundation
import KioskTesting
import Testing

/// A citizen who does not read Chinese: the language key on the attract screen, the whole
/// session in English through kioskd in tmux, the certificate and the receipt printed in
/// English; the next citizen gets the kiosk's Chinese again.
@Suite(.tags(.integration)) struct LanguageEndToEndTests {
    @Test func anEnglishSessionPrintsEnglishPaperAndTheNextCitizenGetsChinese() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let attract = try await kiosk.screen(contains: "English: press #")
            #expect(attract.contains("English: press #"))
            let receiptsBefore = KioskEndToEnd.keptJobs("receipt")
            try await kiosk.press("#")
            let english = try await kiosk.screen(contains: "Please insert your social security card")
            #expect(english.contains("中文请按 # 键"), "the way back, in Chinese")
            let card = try kiosk.insert("gen2")
            let menu = try await kiosk.screen(contains: "Choose a service")
            #expect(menu.contains("张*") && !menu.contains("张三"))
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "Verification code: ")
            let code = try #require(Self.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "Rate this service", timeout: .seconds(40))
            try await kiosk.press("5")
            _ = try await kiosk.screen(contains: "Please take your card")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))

            let certificate = try #require(
                try await KioskEndToEnd.printedPDF(containing: code), "no PDF with code \(code) at the A4 printer")
            #expect(certificate.contains("Social Insurance Participation Certificate"), "\(certificate.prefix(400))")
            #expect(!certificate.contains("社会保险参保证明"))
            let folder = KioskEndToEnd.keptJobsFolder("receipt")
            var receipts: [String] = []
            for file in KioskEndToEnd.keptJobs("receipt").subtracting(receiptsBefore) where file.hasSuffix(".pdf") {
                receipts.append(try await Rigs.tool("pdftotext", ["\(folder)/\(file)", "-"]).stdout)
            }
            #expect(
                receipts.contains { $0.contains("Service Receipt") && $0.contains("Participation certificate") },
                "an English receipt among \(receipts.count) new ones: \(receipts.map { $0.prefix(200) })")
        }
    }

    /// "Verification code: 7KQ2-M9XD" on the preview.
    static func verificationCode(on preview: String) -> String? {
        guard let line = preview.split(separator: "\n").first(where: { $0.contains("Verification code: ") }) else { return nil }
        let after = line.components(separatedBy: "Verification code: ").last ?? ""
        return after.split(separator: " ").first.map(String.init)
    }
}
