import Foundation
import KioskCore
import KioskTesting
import Testing

/// The kiosk's wall clock jumping hours (a drifting RTC, a wrong NTP answer) in the middle of a
/// session: timeouts run on the monotonic clock, so a jump neither ends the citizen's session
/// early nor leaves it open; only the clock shown on the status line follows the wall.
@Suite struct SessionClockJumpTests {
    @Test(arguments: [5 * 3600.0, -5 * 3600.0])
    func aWallClockJumpMidSessionMovesNoTimeout(jump: Double) {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        h.advance(30)
        let before = h.screen.status.clock
        h.time.wall += jump
        h.send(.tick)
        #expect(h.screen.status.clock != before, "the status line shows the new wall time")
        guard case .menu = h.content else { Issue.record("\(h.content)"); return }
        // The idle prompt comes at 60 s of uptime, as without the jump.
        h.advance(29)
        #expect(h.screen.continuePrompt == nil && h.screen.countdown == 1)
        h.advance(1)
        #expect(h.screen.continuePrompt == 15)
        h.advance(15)
        guard case .takeCard(let view) = h.content else { Issue.record("\(h.content)"); return }
        #expect(view.reason == .timedOut)
    }

    /// A card left in the slot is reported after the same monotonic minute whichever way the
    /// wall clock jumps while it waits.
    @Test(arguments: [5 * 3600.0, -5 * 3600.0])
    func theCardLeftReminderKeepsItsPaceThroughAJump(jump: Double) {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        h.press(.back)
        guard case .takeCard = h.content else { Issue.record("\(h.content)"); return }
        h.time.wall += jump
        let early = h.advance(58)
        #expect(!early.contains { if case .notifyCardLeft = $0 { true } else { false } })
        let late = h.advance(3)
        #expect(late.contains { if case .notifyCardLeft = $0 { true } else { false } })
    }
}
