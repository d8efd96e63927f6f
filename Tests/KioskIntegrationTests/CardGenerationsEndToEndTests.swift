import Foundation
import Testing

/// Every card generation at a kiosk: a generation-3 citizen with the PSAM in its SAM slot (the
/// test's own pcscd, devices/virtual-psam) and without it, and a name outside GB 2312; kioskd in
/// a real terminal, the reference hub, the rigs' printers.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct CardGenerationsEndToEndTests {
    /// The PSAM opens the card: the menu greets the holder by masked name, every hub service is
    /// there, and the certificate prints with the masked holder.
    @Test func aGeneration3CardWithThePSAMGetsEveryServiceAndACertificate() async throws {
        try await KioskEndToEnd.run(psam: true) { kiosk in
            let psam = try await kiosk.insertPSAM()
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let card = try kiosk.insert("gen3")
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("王**"), "\(menu)")
            #expect(!menu.contains("读不到卡内个人信息"))
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let code = try #require(CitizenFlowEndToEndTests.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()
            let pdf = try #require(try await KioskEndToEnd.printedPDF(containing: code), "no PDF with code \(code)")
            #expect(pdf.contains("王**") && pdf.contains("4401**********0131"))
            #expect(!pdf.contains("王建国") && !pdf.contains("440106195808070131"))
            let reads = try await kiosk.journalRecords().filter { $0["kind"] as? String == "card-read" }
            #expect((reads.first?["payload"] as? [String: Any])?["protectedData"] == nil, "\(reads)")
            #expect(try await kiosk.journalVerifies())
            await psam.remove()
        }
    }

    /// No PSAM in the SAM slot: the citizen still gets a session, is told plainly that this kiosk
    /// cannot read the card's details now, and sees the guides open; the technician finds a PSAM
    /// fault in the journal.
    @Test func withoutThePSAMTheCitizenSeesWhatStaysOpen() async throws {
        try await KioskEndToEnd.run(psam: true) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let card = try kiosk.insert("gen3")
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("本机暂时读不到卡内个人信息"), "\(menu)")
            #expect(menu.contains("服务指南"))
            #expect(!menu.contains("王"), "no name without the holder data")
            await card.remove()
            var faults: [[String: Any]] = []
            for _ in 0..<60 {
                faults = try await kiosk.journalRecords().filter { record in
                    record["kind"] as? String == "device-fault" && (record["payload"] as? [String: Any])?["device"] as? String == "psam"
                }
                if !faults.isEmpty { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(!faults.isEmpty, "no psam device-fault record")
            let reads = try await kiosk.journalRecords().filter { $0["kind"] as? String == "card-read" }
            #expect((reads.first?["payload"] as? [String: Any])?["protectedData"] as? String == "psam-missing", "\(reads)")
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// A citizen whose name is outside GB 2312: the masked name on the menu and on the printed
    /// certificate keeps its rare surname (禤), drawn by the terminal and by the certificate's font.
    @Test func aNameOutsideGB2312IsShownAndPrinted() async throws {
        try await KioskEndToEnd.run { kiosk in
            let card = try kiosk.insert("rare-chars")
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("禤**"), "\(menu)")
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            #expect(preview.contains("禤**"), "\(preview)")
            let code = try #require(CitizenFlowEndToEndTests.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            await card.remove()
            let pdf = try #require(try await KioskEndToEnd.printedPDF(containing: code), "no PDF with code \(code)")
            #expect(pdf.contains("禤**"), "the certificate lost the surname: \(pdf.prefix(400))")
            #expect(!pdf.contains("㛃"), "masked: only the surname shows")
        }
    }
}
