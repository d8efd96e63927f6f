import Foundation
import KioskTesting
import Testing

/// The kiosk at the speed of real peers, where they are slower than they should be: a card
/// slower than its ATR says, a hub slower than the kiosk's timeout. The citizen is told what is
/// going on and reaches the menu; no screen is left stuck.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct RealSpeedEndToEndTests {
    /// 10 ms a byte, eight times the 9600 baud its ATR implies: the session's read takes over a
    /// second, during which the screen says the card is being read; then the menu, and the
    /// journal's read.
    @Test func aCardSlowerThanItsATRSaysIsReadWhileTheScreenSaysSo() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let card = try kiosk.insert("gen2", extra: ["--byte-us", "10000"])
            _ = try await kiosk.screen(contains: "正在读卡，请稍候")
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("张*"))
            #expect(!menu.contains("暂不可用"), "the hub answered the lookup: every service is offered")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡")
            #expect(try await kiosk.journalKinds().contains("card-read"))
        }
    }

    /// The hub answers the lookup after the kiosk's 2 s timeout (with jitter, and after every
    /// retry; both stretched under a sanitizer): the card read at its ATR's rate still leads to
    /// the menu, which says the hub is unreachable; once the hub is 80 ms away again and kioskd
    /// has found it back, the next citizen is served in full.
    @Test func aHubSlowerThanItsTimeoutLeavesTheCitizenAtAMenuThatSaysSo() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            // Twice the kiosk's timeout, which stretches with the tests' waits (TestTime).
            try await kiosk.setHub(#"{"latencyMs": \#(Int(4000 * TestTime.scale)), "jitterMs": 500, "includeHealth": true}"#)
            let card = try kiosk.insert("gen2", extra: ["--baud-from-atr"])
            let menu = try await kiosk.screen(contains: "请选择要办理的业务", timeout: .seconds(60))
            #expect(menu.contains("中心平台连接中断"))
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))

            try await kiosk.setHub(#"{"latencyMs": 80, "jitterMs": 8}"#)
            _ = try await kiosk.screen(contains: "平台 正常", timeout: .seconds(40))
            let again = try kiosk.insert("gen2", extra: ["--baud-from-atr"])
            let served = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(!served.contains("暂不可用"), "\(served)")
            await again.remove()
        }
    }
}
