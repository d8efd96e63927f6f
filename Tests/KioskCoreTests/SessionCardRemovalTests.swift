import KioskCore
import KioskTesting
import Testing

/// A card pulled at any point ends the session, wipes it, and says what happened.
@Suite struct SessionCardRemovalTests {
    /// Drives a fresh session into one state, by name.
    static func reach(_ state: String) -> SessionHarness {
        var h = SessionHarness()
        switch state {
        case "reading":
            h.insertCard()
        case "menu":
            h.startAtMenu()
        case "pin":
            h.startAtMenu()
            h.press(.digit(3), .digit(1))
        case "loading":
            h.startAtMenu()
            h.press(.digit(1))
        case "preview":
            h.startAtMenu()
            h.press(.digit(1))
            h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        case "contributions":
            h.startAtMenu()
            h.press(.digit(2))
            h.send(.contributions(h.lastRequest()!, SessionFixtures.contributions))
        case "face":
            h.startAtMenu()
            h.press(.digit(4), .enter)
        case "rating":
            h.startAtMenu()
            h.press(.digit(5), .enter)
        default:
            Issue.record("unknown state \(state)")
        }
        return h
    }

    @Test(arguments: ["reading", "menu", "pin", "loading", "preview", "contributions", "face"])
    func pulledMidFlowEndsTheSessionAndSaysSo(state: String) {
        var h = Self.reach(state)
        #expect(h.machine.holdsPersonalData)
        let actions = h.removeCard()
        #expect(h.content == .cardRemoved(CardRemovedView(printInProgress: nil, printHeld: false, interrupted: true)))
        #expect(!h.machine.holdsPersonalData)
        #expect(actions.contains { if case .endSession = $0 { true } else { false } })
        #expect(h.journal.last { $0.kind == .sessionEnd }?.payload["reason"] == .string("card-removed"))
        let shown = "\(h.screen)"
        #expect(!shown.contains("张") && !shown.contains(SessionFixtures.ssn) && !shown.contains("1101"))
        if state == "face" { #expect(actions.contains { if case .cancelFaceVerification = $0 { true } else { false } }) }
        h.advance(8)
        #expect(h.content == .attract(guides: true))
    }

    @Test func lateAnswersForAnEndedSessionAreDropped() {
        var h = Self.reach("loading")
        let id = h.lastRequest()!
        h.removeCard()
        let actions = h.send(.certificate(id, SessionFixtures.certificate))
        #expect(actions.isEmpty)
        #expect(!h.machine.holdsPersonalData)
        guard case .cardRemoved = h.content else { Issue.record("\(h.content)"); return }
    }

    @Test func pulledDuringRatingThanksWithoutAlarm() {
        var h = Self.reach("rating")
        h.removeCard()
        #expect(h.content == .cardRemoved(CardRemovedView(printInProgress: nil, printHeld: false, interrupted: false)))
    }

    /// A card that never answers: after the read deadline the citizen is asked to take it, as
    /// for an unreadable card, and the session ends in the journal. Keys do not hold it off.
    @Test func aCardThatNeverAnswersEndsAsUnreadable() {
        var h = SessionHarness()
        h.insertCard()
        #expect(h.content == .reading)
        h.advance(Int(SessionMachine.readDeadlineSeconds) - 1)
        h.press(.enter)
        #expect(h.content == .reading)
        h.advance(1)
        guard case .takeCard(let take) = h.content else { Issue.record("\(h.content)"); return }
        #expect(take.reason == .cardProblem && take.problem == .unreadable)
        #expect(h.journal.contains { $0.kind == .cardRead && $0.payload["error"] == .string("timeout") })
        #expect(h.journal.contains { $0.kind == .sessionEnd })
    }

    @Test func pulledWhilePrintingTellsToTakeThePaperAndStillJournalsThePrint() {
        var h = Self.reach("preview")
        h.press(.enter)
        let job = h.lastPrint!
        h.removeCard()
        #expect(h.content == .cardRemoved(CardRemovedView(printInProgress: .certificate, printHeld: false, interrupted: true)))
        h.send(.printFinished(job.id, SessionFixtures.job(4, .completed)))
        let print = h.journal.last { $0.kind == .print }
        #expect(print?.payload["state"] == .string("completed") && print?.sessionId == job.sessionId)
        #expect(!h.log.contains { if case .print(let j) = $0 { j.kind == .receipt } else { false } })
    }

    @Test func pulledWhileThePrinterHoldsTheJobCancelsItAndSendsToTheCounter() {
        var h = Self.reach("preview")
        h.press(.enter)
        let job = h.lastPrint!
        h.send(
            .printProgress(
                job.id,
                PrintJobProgress(job: SessionFixtures.job(4, .processing), printer: SessionFixtures.printer(.certificate, .paperOut))))
        let actions = h.removeCard()
        #expect(actions.contains(.cancelPrint(job.id)))
        #expect(h.content == .cardRemoved(CardRemovedView(printInProgress: .certificate, printHeld: true, interrupted: true)))
    }

    @Test func sessionEndWipesTheCardAndTheScreen() {
        var h = Self.reach("preview")
        #expect("\(h.screen)".contains("张**"))
        h.press(.back, .back)  // decline the certificate, then finish at the menu
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.canContinue)
        h.advance(20)  // loud reminder: the open session is wiped
        #expect(!h.machine.holdsPersonalData)
        let shown = "\(h.screen)"
        #expect(!shown.contains("张") && !shown.contains("1101") && !shown.contains("X00000019") && !shown.contains("sub-7f3a"))
    }
}
