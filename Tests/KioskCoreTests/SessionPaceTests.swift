import KioskCore
import KioskTesting
import Testing

/// Each citizen's own pace: "继续办理？" answered yes makes the rest of the session ×1.5 slower,
/// up to ×3; a citizen of 65 or more starts at ×1.5; the countdown shows the time actually left;
/// the next citizen starts afresh.
@Suite struct SessionPaceTests {
    /// Waits until the prompt shows and answers it; returns the countdown then shown.
    static func answerThePrompt(_ h: inout SessionHarness) -> Int? {
        guard let countdown = h.screen.countdown else { return nil }
        h.advance(countdown)
        guard h.screen.continuePrompt != nil else { return nil }
        h.press(.up)
        return h.screen.countdown
    }

    @Test func eachYesMakesTheRestOfTheSessionSlowerUpToThreeTimes() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        #expect(h.machine.pace == 1 && h.screen.countdown == 60)
        var shown: [Int?] = []
        for _ in 0..<4 { shown.append(Self.answerThePrompt(&h)) }
        #expect(shown == [90, 135, 180, 180])
        #expect(h.machine.pace == 3)
    }

    @Test func thePromptItselfWaitsLongerAndTheCountdownIsTheTimeLeft() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        _ = Self.answerThePrompt(&h)
        h.advance(30)
        #expect(h.screen.countdown == 60)
        h.advance(60)
        // 15 s of prompt at ×1.5.
        #expect(h.screen.continuePrompt == 23)
        h.advance(22)
        #expect(h.screen.continuePrompt == 1)
        h.advance(1)
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.reason == .timedOut)
    }

    @Test(arguments: [
        (CardDate(year: 1961, month: 11, day: 22), 1.5),  // 65 today (the fixtures' day is 2026-11-22)
        (CardDate(year: 1961, month: 11, day: 23), 1.0),  // 65 tomorrow
        (CardDate(year: 1949, month: 12, day: 31), 1.5),
        (CardDate(year: 1990, month: 1, day: 1), 1.0),
    ])
    func aCitizenOfSixtyFiveOrMoreStartsSlower(born: CardDate?, pace: Double) {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.card(born: born))
        #expect(h.machine.pace == pace)
        #expect(h.screen.countdown == Int(60 * pace))
    }

    @Test func withoutABirthDateOnTheCardTheIDNumberSaysTheAge() {
        var h = SessionHarness()
        // The fixture's ID number 11010519491231002X: born 1949-12-31.
        h.startAtMenu(card: SessionFixtures.card(born: nil))
        #expect(h.machine.pace == 1.5)
    }

    @Test func theNextCitizenStartsAtTheirOwnPace() {
        var h = SessionHarness()
        h.startAtMenu(card: SessionFixtures.youngerCard)
        _ = Self.answerThePrompt(&h)
        _ = Self.answerThePrompt(&h)
        #expect(h.machine.pace == 2.25)
        h.press(.back)
        h.removeCard()
        h.advance(10)
        h.startAtMenu(card: SessionFixtures.youngerCard)
        #expect(h.machine.pace == 1 && h.screen.countdown == 60)
    }
}
