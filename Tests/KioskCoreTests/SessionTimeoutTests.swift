import KioskCore
import KioskTesting
import Testing

/// Idle timeouts with a visible countdown and prompt; the card left in the slot.
@Suite struct SessionTimeoutTests {
    @Test func idleCountdownThenPromptThenTheSessionEnds() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        #expect(h.screen.countdown == 60)
        h.advance(45)
        #expect(h.screen.countdown == 15 && h.screen.continuePrompt == nil)
        h.advance(15)
        #expect(h.screen.continuePrompt == 15 && h.screen.countdown == nil)
        h.advance(5)
        #expect(h.screen.continuePrompt == 10)
        h.advance(10)
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.reason == .timedOut && !v.canContinue)
        #expect(!h.machine.holdsPersonalData)
        #expect(h.screen.countdown == nil)
    }

    @Test func anyKeyAnswersThePromptWithoutActingOnTheScreenBelow() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        h.advance(61)
        #expect(h.screen.continuePrompt != nil)
        let actions = h.press(.digit(1))
        #expect(actions.isEmpty)
        // Answering the prompt asked for more time: the rest of the session goes at ×1.5.
        #expect(h.screen.continuePrompt == nil && h.screen.countdown == 90)
        guard case .menu = h.content else { Issue.record("\(h.content)"); return }
    }

    @Test func keysResetTheCountdown() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        h.advance(50)
        h.press(.up)
        #expect(h.screen.countdown == 60)
    }

    @Test func noCountdownWhileTheKioskWorks() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(1))
        h.advance(120)
        #expect(h.content == .loading(.participationCertificate) && h.screen.countdown == nil)
    }

    @Test func cardLeftInTheSlotEscalates() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.back)
        guard case .takeCard(let gentle) = h.content else { Issue.record("\(h.content)"); return }
        #expect(gentle.level == .gentle)
        let loud = h.advance(20)
        #expect(loud.contains(.alert(.loud)))
        guard case .takeCard(let second) = h.content else { return }
        #expect(second.level == .loud && !second.canContinue)
        #expect(!h.machine.holdsPersonalData)
        let staff = h.advance(40)
        #expect(staff.contains(.notifyCardLeft(sessionId: "id-1")))
        #expect(h.journal.last?.payload["fault"] == .string("card-left-in-slot"))
        #expect(h.advance(60).isEmpty)  // told once
        h.removeCard()
        #expect(h.content == .attract(guides: true))
    }

    @Test func guidesWithoutACardReturnToAttract() {
        var h = SessionHarness()
        h.press(.digit(0), .digit(1))
        h.advance(90)
        #expect(h.content == .attract(guides: true))
    }
}
