import KioskCore
import KioskTesting
import Testing

/// 帮办: a hall worker's code on the menu (`0 0 0`), verified by the hub; the worker on every
/// screen and in every journal record of the session; three refused codes lock the sequence.
@Suite struct SessionStaffTests {
    static let worker = StaffAssistant(staffRef: "STAFF-0007", displayName: "王晓燕")

    static func codeScreen(_ h: SessionHarness) -> StaffCodeView? {
        if case .staffCode(let v) = h.content { return v }
        return nil
    }

    /// The menu, `0 0 0`, a code typed and sent; returns the request.
    static func enterCode(_ h: inout SessionHarness, _ code: String = "246810") -> RequestID? {
        if codeScreen(h) == nil { h.press(.digit(0), .digit(0), .digit(0)) }
        for digit in code { h.press(.digit(Int(String(digit))!)) }
        h.press(.enter)
        for case .verifyStaff(let id, let sent) in h.log.reversed() where sent == code { return id }
        return nil
    }

    @Test func aVerifiedWorkerIsOnEveryScreenInEveryRecordAndOnTheReceipt() throws {
        var h = SessionHarness(receiptTexts: ["outcome.certificate-printed": "已打印", "outcome.assisted": "（工作人员帮办）"])
        h.startAtMenu()
        let id = try #require(Self.enterCode(&h))
        #expect(Self.codeScreen(h)?.checking == true && Self.codeScreen(h)?.digitsEntered == 0, "the code is not kept once sent")
        h.send(.staffVerified(id, Self.worker))
        guard case .menu = h.content else {
            Issue.record("back to the menu: \(h.content)")
            return
        }
        #expect(h.screen.status.assistedBy == "王**")
        let verified = try #require(h.journal.last)
        #expect(verified.payload["staffRef"] == .string("STAFF-0007") && verified.payload["outcome"] == .string("verified"))
        h.press(.digit(1))
        h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        #expect(h.screen.status.assistedBy == "王**", "on every screen")
        h.press(.enter)
        h.send(.printFinished(h.lastPrint!.id, SessionFixtures.job(1, .completed)))
        guard case .receipt(let receipt)? = h.lastPrint?.document else {
            Issue.record("no receipt: \(String(describing: h.lastPrint))")
            return
        }
        #expect(receipt.outcome == "已打印（工作人员帮办）")
        h.send(.printFinished(h.lastPrint!.id, SessionFixtures.job(2, .completed)))
        h.press(.digit(5))
        let sessionRecords = h.journal.filter { $0.sessionId != nil }.drop { $0.payload["outcome"] != .string("verified") }
        #expect(sessionRecords.count >= 3)
        #expect(
            sessionRecords.allSatisfy { $0.payload["staffRef"] == .string("STAFF-0007") },
            "\(sessionRecords.filter { $0.payload["staffRef"] == nil }.map { "\($0.kind) \($0.payload)" })")
    }

    @Test func threeRefusedCodesLockTheSequenceForFiveMinutesForEveryone() throws {
        var h = SessionHarness()
        h.startAtMenu()
        for attempt in 1...3 {
            let id = try #require(Self.enterCode(&h, "11111\(attempt)"))
            h.send(
                .actionFailed(id, .hub(HubProblem(status: 404, code: "staff-code-invalid", title: "x", retryable: false, requestId: nil))))
            if attempt < 3 { #expect(Self.codeScreen(h)?.triesLeft == 3 - attempt) }
        }
        #expect(Self.codeScreen(h)?.lockedSeconds == 300)
        let outcomes = h.journal.compactMap { $0.payload["outcome"] }
        #expect(outcomes.filter { $0 == .string("refused") }.count == 3 && outcomes.contains(.string("locked")))
        h.press(.enter)
        let sent = h.log.filter { if case .verifyStaff = $0 { true } else { false } }.count
        h.press(.digit(0), .digit(0), .digit(0))
        #expect(Self.codeScreen(h)?.lockedSeconds != nil, "still locked")
        h.press(.digit(2), .digit(4), .digit(6), .digit(8), .digit(1), .digit(0), .enter)
        #expect(h.log.filter { if case .verifyStaff = $0 { true } else { false } }.count == sent, "nothing sent while locked")
        h.press(.back)
        h.press(.back)
        h.removeCard()
        h.advance(301)
        h.startAtMenu()
        let id = try #require(Self.enterCode(&h))
        h.send(.staffVerified(id, Self.worker))
        #expect(h.screen.status.assistedBy == "王**")
    }

    @Test func aHubThatCannotAnswerCountsNothingAgainstTheCode() throws {
        var h = SessionHarness()
        h.startAtMenu()
        let id = try #require(Self.enterCode(&h))
        h.send(.actionFailed(id, .kiosk(KioskError(.hubUnavailable, "down"))))
        #expect(Self.codeScreen(h)?.problem == .unavailable && Self.codeScreen(h)?.triesLeft == nil)
        #expect(!h.journal.contains { $0.payload["outcome"] == .string("refused") })
    }

    @Test func theHelpEndsWithTheSessionAndZerosFarApartDoNothing() throws {
        var h = SessionHarness()
        h.startAtMenu()
        let id = try #require(Self.enterCode(&h))
        h.send(.staffVerified(id, Self.worker))
        h.press(.back)
        h.removeCard()
        h.advance(10)
        h.startAtMenu()
        #expect(h.screen.status.assistedBy == nil, "the next citizen is not assisted")
        #expect(h.journal.last?.payload["staffRef"] == nil)
        h.press(.digit(0))
        h.advance(4)
        h.press(.digit(0))
        h.advance(4)
        h.press(.digit(0))
        #expect(Self.codeScreen(h) == nil, "three zeros seconds apart are no sequence")
    }
}
