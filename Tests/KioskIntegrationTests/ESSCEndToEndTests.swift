import Foundation
import KioskTesting
import Testing

/// The electronic social security card through kioskd in tmux: the virtual QR scanner's serial
/// port, the reference hub's codes, the rigs' printers. A scanned code leads to a printed
/// certificate with no card in the slot; refused codes, noise and an unplugged scanner are said
/// plainly and journalled.
@Suite(.tags(.integration)) struct ESSCEndToEndTests {
    @Test func aScannedCodeGetsACertificatePrintedWithNoCardInTheSlot() async throws {
        try await KioskEndToEnd.run(scanner: true) { kiosk in
            _ = try await kiosk.screen(contains: "或出示电子社保卡二维码")
            // Noise and an expired code first: said plainly, no session held.
            try await VirtualScanner.run("noise", kiosk.dir.path)
            _ = try await kiosk.screen(contains: "未能识别，请出示电子社保卡二维码")
            try await kiosk.press("Enter")
            try await kiosk.scan(try await kiosk.esscToken("gen2", ttlSeconds: -60))
            let expired = try await kiosk.screen(contains: "二维码已过期，请刷新后重新扫码")
            #expect(!expired.contains("essc-expired"), "no machine code for the citizen")
            try await kiosk.press("Enter")

            let a4Before = KioskEndToEnd.keptJobs("a4")
            try await kiosk.scan(try await kiosk.esscToken("gen2"))
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("张*，您好") && menu.contains("电子社保卡不能办理此项"), "\(menu)")
            // A second code while this citizen is served is not taken.
            try await kiosk.scan(try await kiosk.esscToken("gen3"))
            _ = try await kiosk.screen(contains: "请先办完当前业务再扫码")
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let code = try #require(preview.firstMatch(of: /验证码：([0-9A-Z-]+)/)?.1).description
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            // No card to take: straight back to the attract screen.
            let after = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(10))
            #expect(!after.contains("请取出"), "\(after)")

            let printed = try await KioskEndToEnd.printedPDF(containing: code)
            #expect(printed != nil, "the certificate with \(code) at the A4 printer")
            #expect(KioskEndToEnd.keptJobs("a4").subtracting(a4Before).contains { $0.hasSuffix(".pdf") })

            // The journal: the electronic card's session, its outcomes, and the refused scans.
            let records = try await kiosk.journalRecords()
            let essc = records.filter { ($0["payload"] as? [String: Any])?["credential"] as? String == "essc" }
            let outcomes = essc.compactMap { ($0["payload"] as? [String: Any])?["outcome"] as? String }
            #expect(Set(outcomes).isSuperset(of: ["unreadable", "failed", "read", "ignored-busy"]), "\(outcomes)")
            let sessionId = try #require(essc.first { ($0["payload"] as? [String: Any])?["outcome"] as? String == "read" }?["sessionId"])
            let session = records.filter { $0["sessionId"] as? String == sessionId as? String }
            #expect(session.contains { $0["kind"] as? String == "print" })
            #expect(session.allSatisfy { $0["subjectRef"] == nil }, "the kiosk never learns the ID number of an electronic card")
            #expect(try await kiosk.journalVerifies())
        }
    }

    @Test func anUnpluggedScannerIsAFaultAndTheKioskGoesOnWithCards() async throws {
        try await KioskEndToEnd.run(scanner: true) { kiosk in
            _ = try await kiosk.screen(contains: "或出示电子社保卡二维码")
            try await VirtualScanner.run("unplug", kiosk.dir.path)
            // The attract screen no longer offers the scanner (waitFor fails the test if it still does).
            _ = try await kiosk.tmux.waitFor(timeout: .seconds(10)) { !$0.contains("电子社保卡") && $0.contains("请插入社保卡") }
            // The card still works.
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            await card.remove()
            // Plugged back in: offered again, and the fault's start and end are journalled.
            try await VirtualScanner.run("plug", kiosk.dir.path)
            _ = try await kiosk.screen(contains: "或出示电子社保卡二维码", timeout: .seconds(30))
            var phases: [String] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                phases = try await kiosk.journalRecords().compactMap {
                    let payload = $0["payload"] as? [String: Any]
                    return payload?["device"] as? String == "scanner" ? payload?["phase"] as? String : nil
                }
                if phases.contains("ended") { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(phases.contains("began") && phases.contains("ended"), "\(phases)")
        }
    }
}
