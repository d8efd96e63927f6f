import Foundation

/// Printing: a run of one or more documents (certificate, then its receipt), followed to the
/// end even when the card is pulled meanwhile, because the paper comes out either way.
extension SessionMachine {
    mutating func printCertificate() {
        // The job rendered while the preview showed: its print time is when the preview came up.
        guard let certificateJob = session?.certificateJob ?? certificateJob() else { return }
        var jobs = [certificateJob]
        if health.canPrint(.receipt) {
            jobs.append(receiptJob(.participationCertificate, outcomeKey: "outcome.certificate-printed"))
        }
        startRun(PrintRun(service: .participationCertificate, jobs: jobs, outcome: "printed"))
    }

    /// The session's certificate as a print job, printed now in the citizen's language.
    func certificateJob() -> PrintJobRequest? {
        guard let session, let certificate = session.certificate else { return nil }
        return PrintJobRequest(
            id: RequestID(rawValue: settings.makeID()), sessionId: session.id,
            document: .certificate(
                CertificateContent(
                    certificate: certificate, hall: settings.hall, kioskId: settings.kioskId,
                    printedAt: SessionClock.local(now.wall, settings.timeZone))), locale: language)
    }

    mutating func printReceipt(_ service: ServiceID, outcome: String, outcomeKey: String) {
        guard session != nil else { return }
        startRun(PrintRun(service: service, jobs: [receiptJob(service, outcomeKey: outcomeKey)], outcome: outcome))
    }

    private mutating func startRun(_ run: PrintRun) {
        send(run.current)
        phase = .printing(run)
    }

    private mutating func send(_ job: PrintJobRequest) {
        var job = job
        job.staffRef = session?.staff?.staffRef
        var paper: [String: JournalValue] = [:]
        if case .certificate(let content) = job.document {
            paper = Self.certificateIdentity(content.certificate)
        }
        pending[job.id] = .print(job.kind, sessionId: job.sessionId, staffRef: job.staffRef, paper: paper)
        emit(.print(job))
    }

    /// A certificate's number and verification code for its print record, so the paper in a
    /// technician's hand can be found in the kiosk's journal (kioskctl journal find) as well as at
    /// the hub. The hub's values go in only as a journal may hold them: short printable ASCII,
    /// never a run that reads as a resident ID number (which would get the record refused).
    static func certificateIdentity(_ certificate: HubCertificate) -> [String: JournalValue] {
        var fields: [String: JournalValue] = [:]
        for (key, value) in [("certificateNo", certificate.certificateNo), ("verificationCode", certificate.verificationCode)] {
            let printable = !value.isEmpty && value.count <= 64 && value.allSatisfy { $0.isASCII && !$0.isWhitespace && !$0.isNewline }
            if printable && !JournalEntry.containsResidentID(value) { fields[key] = .string(value) }
        }
        return fields
    }

    func receiptJob(_ service: ServiceID, outcomeKey: String) -> PrintJobRequest {
        let session = self.session!
        var outcome = receiptTexts[outcomeKey] ?? outcomeKey
        if let face = session.faceOutcome {
            outcome = outcome.replacingOccurrences(of: "{nextDueBy}", with: face.nextDueBy ?? "-")
                .replacingOccurrences(of: "{receiptNo}", with: face.receiptNo ?? "-")
        }
        if session.staff != nil, let assisted = receiptTexts["outcome.assisted"] { outcome += assisted }
        let serviceKey = catalog.definition(service)?.titleKey ?? "service.\(service.rawValue)"
        let content = ReceiptContent(
            hall: settings.hall, kioskId: settings.kioskId, time: SessionClock.local(now.wall, settings.timeZone),
            service: receiptTexts[serviceKey] ?? service.rawValue, outcome: outcome, holderName: session.holderMasked,
            holderSSN: session.certificate?.holder.ssn ?? session.card?.ssnMasked, transactionNo: session.transactionId ?? session.id,
            verifyUrl: service == .participationCertificate ? session.certificate?.verifyUrl : nil)
        return PrintJobRequest(
            id: RequestID(rawValue: settings.makeID()), sessionId: session.id, document: .receipt(content), locale: language)
    }

    mutating func printingKey(_ key: Key, _ run: PrintRun) {
        // Only a job the printer holds (paper out, jam) can be given up: the citizen goes to the counter.
        guard key == .back, run.progress?.isHeld == true, !run.cancelling else { return }
        var run = run
        run.cancelling = true
        run.cancelAskedAt = now.uptime
        emit(.cancelPrint(run.current.id))
        phase = .printing(run)
    }

    /// A held job on the printing screen is not left for the next citizen: once it has been
    /// held, with no key pressed, for as long as any screen waits (idle, then the prompt), it is
    /// cancelled, and a cancel cupsd did not carry out is asked for again. Otherwise refilled
    /// paper printed one citizen's certificate for the next, and a refused cancel left
    /// "cancelling" on the screen for good. (A card pulled during a hold cancels the job at once,
    /// in `cardGone`.)
    mutating func printingTick(_ run: PrintRun) {
        guard run.progress?.isHeld == true, let heldSince = run.heldSince else { return }
        let t = settings.timeouts
        var run = run
        if run.cancelling {
            guard let asked = run.cancelAskedAt, now.uptime - asked >= t.promptSeconds else { return }
        } else {
            guard now.uptime - max(heldSince, lastInput) >= t.idleSeconds + t.promptSeconds else { return }
            run.cancelling = true
        }
        run.cancelAskedAt = now.uptime
        emit(.cancelPrint(run.current.id))
        phase = .printing(run)
    }

    mutating func onPrintProgress(_ id: RequestID, _ progress: PrintJobProgress) {
        guard case .printing(var run) = phase, run.current.id == id else { return }
        run.heldSince = progress.isHeld ? (run.heldSince ?? now.uptime) : nil
        run.progress = progress
        phase = .printing(run)
    }

    /// `uncertain`: the job may have printed (cupsd went away holding it), journalled as such.
    mutating func onPrintFinished(_ id: RequestID, _ status: PrintJobStatus, uncertain: Bool = false) {
        guard case .print(let kind, let sessionId, let staffRef, let paper)? = take(id) else { return }
        let state = uncertain ? Self.uncertainPrintState : status.state.rawValue
        var payload: [String: JournalValue] = [
            "kind": .string(kind.rawValue), "requestId": .string(id.rawValue), "jobId": .int(status.jobId), "state": .string(state),
        ]
        // Pages count for what came out of the printer only (metrics: pages printed).
        if status.state == .completed, let pages = status.pages { payload["pages"] = .int(pages) }
        // The paper may come out after its session ended: the worker who helped still signs it.
        if let staffRef { payload["staffRef"] = .string(staffRef) }
        payload.merge(paper) { ours, _ in ours }
        emit(
            .journal(
                JournalEntry(
                    kind: .print, sessionId: sessionId, subjectRef: session?.id == sessionId ? session?.subject?.subjectRef : nil,
                    payload: payload)))
        guard case .printing(var run) = phase, run.current.id == id, session != nil else { return }
        if status.state == .completed {
            if run.index + 1 < run.jobs.count {
                run.index += 1
                run.progress = nil
                run.heldSince = nil
                send(run.current)
                phase = .printing(run)
            } else {
                finishService(run.service, outcome: run.outcome, rate: true)
            }
        } else if run.current.kind == .receipt && run.index > 0 {
            // The certificate is out; only its receipt failed. Not worth a trip to the counter.
            finishService(run.service, outcome: "\(run.outcome)-without-receipt", rate: true)
        } else {
            journal(.serviceOutcome, payload: ["service": .string(run.service.rawValue), "outcome": .string("print-\(state)")])
            phase = .printFailed(
                PrintFailedView(
                    kind: run.current.kind, certificateNo: session?.certificate?.certificateNo, cancelled: status.state == .cancelled,
                    mayHavePrinted: uncertain))
            lastInput = now.uptime
        }
    }

    mutating func onPrintFailed(_ id: RequestID, _ failure: SessionFailure) {
        // Refused before or while sending: the same as an aborted job, with no job id; unless
        // cupsd went away holding it, when nobody can say whether the paper came out.
        onPrintFinished(
            id, PrintJobStatus(jobId: 0, state: .aborted, reasons: [failure.code]),
            uncertain: failure.code == KioskError.Code.printOutcomeUnknown.rawValue)
    }

    /// The journal's print state when the kiosk cannot know whether the paper came out.
    public static let uncertainPrintState = "unknown"
}
