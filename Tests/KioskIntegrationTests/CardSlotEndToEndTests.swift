import Foundation
import Testing

/// The card slot is the configured reader: a card in the kiosk's other reader (where a PSAM
/// sits) starts no session and is logged once; the citizen's card in the slot is served.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct CardSlotEndToEndTests {
    @Test func aCardInAnotherReaderStartsNoSessionAndTheSlotStillServes() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let other = try VirtualCard(profile: "gen3", port: kiosk.pcsc.basePort + 1)
            try await waitForLog(kiosk, "is ignored: it is not the card slot")
            let attract = try await kiosk.screen(contains: "请插入社保卡")
            #expect(!attract.contains("正在读卡") && !attract.contains("请选择要办理的业务"))
            #expect(!(try await kiosk.journalKinds()).contains("session-start"))

            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            await card.remove()
            await other.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let log = try String(contentsOfFile: kiosk.dir.appendingPathComponent("kioskd.log").path, encoding: .utf8)
            #expect(log.components(separatedBy: "is ignored: it is not the card slot").count - 1 == 1, "said once")
        }
    }

    /// Waits (up to 20 s) until kioskd's log holds `text`.
    func waitForLog(_ kiosk: KioskEndToEnd, _ text: String) async throws {
        let path = kiosk.dir.appendingPathComponent("kioskd.log").path
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? String(contentsOfFile: path, encoding: .utf8))?.contains(text) != true {
            guard ContinuousClock.now < deadline else { throw TmuxError(message: "kioskd never logged \"\(text)\"") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
