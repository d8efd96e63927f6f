import Foundation
import KioskTesting
import Testing

/// 帮办 through kioskd in tmux against the reference hub: a hall worker keys `0 0 0` and their
/// one-time code on the menu; the screens name them, the receipt says the service was assisted,
/// and every journal record of the session reaches the hub with their staffRef.
@Suite(.tags(.integration)) struct StaffAssistEndToEndTests {
    @Test func aWorkersCodeMarksTheSessionTheReceiptAndTheJournalAtTheHub() async throws {
        try await KioskEndToEnd.run { kiosk in
            let receiptsBefore = KioskEndToEnd.keptJobs("receipt")
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("0", "0", "0")
            _ = try await kiosk.screen(contains: "请工作人员输入 6 位帮办码")
            // A code the hub does not know first: refused, counted, said plainly.
            try await kiosk.press("9", "9", "9", "9", "9", "9", "Enter")
            _ = try await kiosk.screen(contains: "帮办码无效，还可尝试 2 次")
            try await kiosk.press("2", "4", "6", "8", "1", "0", "Enter")
            let menu = try await kiosk.screen(contains: "帮办：王**")
            #expect(menu.contains("请选择要办理的业务") && !menu.contains("246810") && !menu.contains("王晓燕"))
            try await kiosk.press("1")
            _ = try await kiosk.screen(contains: "验证码：")
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))
            let after = try await kiosk.screen(contains: "KIOSK-E2E-0001")
            #expect(!after.contains("帮办："), "the help ended with the session")

            let folder = KioskEndToEnd.keptJobsFolder("receipt")
            var receipts: [String] = []
            for file in KioskEndToEnd.keptJobs("receipt").subtracting(receiptsBefore) where file.hasSuffix(".pdf") {
                receipts.append(try await Rigs.tool("pdftotext", ["\(folder)/\(file)", "-"]).stdout)
            }
            #expect(receipts.contains { $0.contains("工作人员帮办") }, "\(receipts.map { $0.prefix(300) })")

            // The journal at the hub: every record from the verified code to the session's end
            // carries the worker; the refused code is there too, without a staffRef.
            var session: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let records = (try? await kiosk.hubJSON("sim/journal/KIOSK-E2E-0001") as? [String: [[String: Any]]])?["records"] ?? []
                let verified = records.firstIndex { ($0["payload"] as? [String: Any])?["outcome"] as? String == "verified" }
                if let verified, let end = records[verified...].firstIndex(where: { $0["kind"] as? String == "session-end" }) {
                    session = Array(records[verified...end])
                    #expect(
                        records[..<verified].contains { ($0["payload"] as? [String: Any])?["outcome"] as? String == "refused" })
                    break
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(session.count >= 4, "the assisted session's records at the hub: \(session.map { $0["kind"] ?? "" })")
            for record in session {
                #expect((record["payload"] as? [String: Any])?["staffRef"] as? String == "STAFF-0007", "\(record)")
            }
            #expect(try await kiosk.journalVerifies())
        }
    }
}
