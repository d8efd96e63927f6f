import KioskCore
import KioskTesting
import Testing

/// Services offered only when they can be finished; PIN; maintenance; SIGTERM.
@Suite struct SessionPreflightTests {
    func menu(_ h: SessionHarness) -> MenuView? {
        if case .menu(let m) = h.content { return m }
        return nil
    }

    @Test func unknownDevicesCountAsUnavailable() {
        var h = SessionHarness(healthy: false)
        h.startAtMenu()
        let items = menu(h)!.items
        #expect(items[0].availability == .unavailable(.hubUnknown))
        #expect(items[5].availability == .available)
    }

    @Test func menuFollowsPrinterAndHubEventsLive() {
        var h = SessionHarness()
        h.startAtMenu()
        h.send(.printerStatus(.certificate, SessionFixtures.printer(.certificate, .paperOut)))
        #expect(menu(h)!.items[0].availability == .unavailable(.printer(.certificate, .paperOut)))
        #expect(menu(h)!.items[0].alternativeKey == "alt.counter")
        h.press(.digit(1))
        #expect(menu(h) != nil)  // a greyed service does not start
        h.send(.printerStatus(.certificate, SessionFixtures.printer(.certificate, .paperLow)))
        #expect(menu(h)!.items[0].availability == .available)
        h.send(.hubStatus(.down))
        #expect(menu(h)!.items[0...4].allSatisfy { $0.availability == .unavailable(.hubDown) })
        h.send(.hubStatus(.degraded))
        #expect(menu(h)!.items[1].availability == .available)
        h.send(.cameraStatus(present: false))
        #expect(menu(h)!.items[3].availability == .unavailable(.noCamera))
    }

    /// A USB receipt printer at idle: services stay open (a job is the only way to learn), and
    /// the status line says unconfirmed, or the fault its last job met, never ready.
    @Test func anUnconfirmedPrinterKeepsServicesOpenAndIsShownAsWhatIsKnown() {
        var h = SessionHarness()
        h.startAtMenu()
        h.send(.printerStatus(.receipt, PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: [])))
        #expect(h.screen.status.receiptPrinter == .unconfirmed)
        #expect(menu(h)!.items[0...4].allSatisfy { $0.availability == .available })
        h.send(
            .printerStatus(
                .receipt, PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: ["media-empty-error"])))
        #expect(h.screen.status.receiptPrinter == .paperOut)
        #expect(menu(h)!.items[0...4].allSatisfy { $0.availability == .available })
    }

    @Test func unresolvedSubjectLeavesOnlyTheGuides() {
        var h = SessionHarness()
        h.startAtMenu(subject: nil)
        let items = menu(h)!.items
        #expect(items[0...4].allSatisfy { $0.availability == .unavailable(.subjectUnknown) })
        #expect(items[5].availability == .available)
    }

    @Test func certificateWithoutReceiptPrinterPrintsAlone() {
        var h = SessionHarness()
        h.startAtMenu()
        h.send(.printerStatus(.receipt, SessionFixtures.printer(.receipt, .jammed)))
        h.press(.digit(1))
        h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        guard case .certificatePreview(let p) = h.content else { return }
        #expect(!p.withReceipt)
        h.press(.enter)
        h.send(.printFinished(h.lastPrint!.id, SessionFixtures.job(1, .completed)))
        #expect(h.content == .rating(.participationCertificate))
    }

    /// The certificate asked for and sent to the printer.
    static func certificatePrinting(_ h: inout SessionHarness) -> PrintJobRequest {
        h.startAtMenu()
        h.press(.digit(1))
        h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        h.press(.enter)
        return h.lastPrint!
    }

    /// `job` printing, with the certificate printer in `condition`.
    static func processing(_ job: PrintJobRequest, printer condition: PrinterCondition) -> SessionEvent {
        .printProgress(
            job.id, PrintJobProgress(job: SessionFixtures.job(2, .processing), printer: SessionFixtures.printer(.certificate, condition)))
    }

    @Test func heldPrintCanBeGivenUpForTheCounter() {
        var h = SessionHarness()
        let job = Self.certificatePrinting(&h)
        h.press(.back)  // not held: nothing to give up
        #expect(!h.log.contains(.cancelPrint(job.id)))
        h.send(Self.processing(job, printer: .jammed))
        guard case .printing(let p) = h.content else { return }
        #expect(p.heldBy == .jammed)
        h.press(.back)
        #expect(h.log.contains(.cancelPrint(job.id)))
        h.send(.printFinished(job.id, SessionFixtures.job(2, .cancelled)))
        #expect(h.content == .printFailed(PrintFailedView(kind: .certificate, certificateNo: "CERT-2026-000123", cancelled: true)))
        h.press(.enter)
        #expect(h.content == .rating(.participationCertificate))
    }

    /// cupsd went away holding the job: the citizen is told the paper may have come out and to
    /// look before going to the counter, and the journal says the outcome is unknown, not that
    /// the print was aborted.
    @Test func aPrintCupsdWentAwayWithIsJournalledUnknownAndTheCitizenToldToLook() {
        var h = SessionHarness()
        let job = Self.certificatePrinting(&h)
        h.send(.actionFailed(job.id, .kiosk(KioskError(.printOutcomeUnknown, "cupsd did not answer the print request"))))
        #expect(
            h.content
                == .printFailed(
                    PrintFailedView(kind: .certificate, certificateNo: "CERT-2026-000123", cancelled: false, mayHavePrinted: true)))
        let printed = h.log.compactMap { action -> JournalEntry? in
            if case .journal(let entry) = action, entry.kind == .print { return entry }
            return nil
        }
        #expect(printed.last?.payload["state"] == .string("unknown"))
    }

    /// Paper runs out and the citizen walks away: after the idle time and the prompt the job is
    /// cancelled, so refilled paper cannot print their certificate for the next citizen; a
    /// cancel that cupsd did not carry out is asked for again after each prompt period.
    @Test func aHeldPrintNobodyAttendsIsCancelledAndTheCancelRepeated() {
        var h = SessionHarness()
        let job = Self.certificatePrinting(&h)
        // It printed for a long while before the hold: the wait counts from the hold.
        h.send(Self.processing(job, printer: .ready))
        h.advance(100)
        h.send(Self.processing(job, printer: .paperOut))
        let t = SessionTimeouts()
        let beforeIdle = h.advance(Int(t.idleSeconds + t.promptSeconds) - 1)
        #expect(!beforeIdle.contains(.cancelPrint(job.id)))
        #expect(h.advance(1).contains(.cancelPrint(job.id)))
        guard case .printing(let p) = h.content else { Issue.record("\(h.content)"); return }
        #expect(p.cancelling)
        #expect(h.advance(Int(t.promptSeconds)).filter { $0 == .cancelPrint(job.id) }.count == 1, "asked again")
        h.send(.printFinished(job.id, SessionFixtures.job(2, .cancelled)))
        #expect(h.content == .printFailed(PrintFailedView(kind: .certificate, certificateNo: "CERT-2026-000123", cancelled: true)))
    }

    /// A job that prints on without a hold is never cancelled however long it takes.
    @Test func aSlowPrintThatIsNotHeldIsLeftAlone() {
        var h = SessionHarness()
        let job = Self.certificatePrinting(&h)
        h.send(Self.processing(job, printer: .ready))
        #expect(!h.advance(600).contains(.cancelPrint(job.id)))
    }

    @Test func wrongPINShowsTriesThenBlockedGreysPINServices() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(3))
        h.press(.digit(1), .digit(1), .digit(1), .digit(1), .digit(1), .digit(1), .enter)
        h.send(.pinResult(h.lastRequest()!, .wrong(triesLeft: 2)))
        guard case .pinEntry(let wrong) = h.content else { Issue.record("\(h.content)"); return }
        #expect(wrong.triesLeft == 2 && wrong.digitsEntered == 0)
        h.press(.digit(1), .digit(1), .back)
        guard case .pinEntry(let corrected) = h.content else { return }
        #expect(corrected.digitsEntered == 1)
        h.press(.digit(2), .digit(2), .digit(2), .digit(2), .digit(2), .enter)
        h.send(.pinResult(h.lastRequest()!, .blocked))
        #expect(h.content == .pinBlocked)
        h.press(.enter)
        #expect(menu(h)!.items[2].availability == .unavailable(.pinBlocked))
        #expect(menu(h)!.items[0].availability == .available)
    }

    @Test func maintenanceTakesEffectAfterTheCurrentSession() {
        var h = SessionHarness()
        h.startAtMenu()
        h.send(.maintenance(true))
        #expect(menu(h)!.items[0].availability == .unavailable(.maintenance))
        h.press(.back)
        h.removeCard()
        #expect(h.content == .outOfService)
        h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [])))
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.reason == .maintenance && !h.machine.holdsPersonalData)
        #expect(
            !h.log.contains { if case .readCard = $0 { true } else { false } }
                || h.log.filter { if case .readCard = $0 { true } else { false } }.count == 1)
        h.removeCard()
        h.send(.maintenance(false))
        #expect(h.content == .attract(guides: true))
    }

    @Test func shutdownWhenIdleIsReadyAtOnce() {
        var h = SessionHarness()
        let actions = h.send(.shutdownRequested)
        #expect(actions == [.readyToStop] && h.machine.isReadyToStop)
        #expect(h.content == .stopping)
    }

    @Test func shutdownMidPrintFinishesThePrintThenStops() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(1))
        h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        h.press(.enter)
        let certificate = h.lastPrint!
        let first = h.send(.shutdownRequested)
        #expect(!first.contains(.readyToStop) && h.machine.holdsPersonalData)
        h.send(.printFinished(certificate.id, SessionFixtures.job(1, .completed)))
        let receipt = h.lastPrint!
        #expect(receipt.kind == .receipt && !h.machine.isReadyToStop)
        let last = h.send(.printFinished(receipt.id, SessionFixtures.job(2, .completed)))
        #expect(last.contains(.readyToStop))
        #expect(!h.machine.holdsPersonalData)
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.reason == .shutdown)
        #expect(h.journal.contains { $0.kind == .sessionEnd && $0.payload["reason"] == .string("shutdown") })
    }

    @Test func shutdownWhileWaitingForTheHubWaitsForItsAnswer() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(2))
        #expect(!h.send(.shutdownRequested).contains(.readyToStop))
        let last = h.send(.contributions(h.lastRequest()!, []))
        #expect(last.contains(.readyToStop))
    }
}
