/// The services' flows: what starting each one asks of the runner, and what its answers show.
extension SessionMachine {
    /// The menu as it stands now: preflight is recomputed on every call, so device and hub
    /// events change it live.
    func menuItems() -> [MenuView.Item] {
        catalog.enabled.enumerated().map { index, definition in
            var availability = health.availability(of: definition, subject: session?.subject, pinBlocked: session?.pinBlocked ?? false)
            if availability == .unavailable(.subjectUnknown), session?.card?.protectedDataProblem != nil {
                availability = .unavailable(.cardDataUnreadable)
            }
            if let credential = session?.credential, !offered(definition, to: credential) { availability = .unavailable(.needsCard) }
            if maintenance || stopRequested, definition.id != .serviceGuides { availability = .unavailable(.maintenance) }
            return MenuView.Item(
                number: index + 1, service: definition.id, titleKey: definition.titleKey, alternativeKey: definition.alternativeKey,
                availability: availability)
        }
    }

    mutating func begin(_ service: ServiceID) {
        guard let subjectRef = session?.subject?.subjectRef else { return }
        let transactionId = settings.makeID()
        session?.service = service
        session?.transactionId = transactionId
        switch service {
        case .participationCertificate:
            let id = newRequest(.hub(service))
            emit(.issueCertificate(id, subjectRef: subjectRef, months: settings.certificateMonths, idempotencyKey: transactionId))
            phase = .loading(service, id)
        case .contributionHistory:
            let ym = SessionClock.yearMonth(now.wall, settings.timeZone)
            let id = newRequest(.hub(service))
            emit(
                .fetchContributions(
                    id, subjectRef: subjectRef, from: SessionClock.month(ym, minus: settings.contributionMonths - 1),
                    to: SessionClock.month(ym, minus: 0)))
            phase = .loading(service, id)
        case .pensionPayments:
            phase = .pensionYear
        case .pensionQualification:
            phase = .faceConsent
        case .cardStatus:
            phase = .cardStatus
        case .serviceGuides:
            phase = .guides(GuideNav())
        default:
            return
        }
        lastInput = now.uptime
    }

    /// Journals the outcome, then the rating (好差评 after every service) or back to the menu.
    mutating func finishService(_ service: ServiceID, outcome: String, rate: Bool, extra: [String: JournalValue] = [:]) {
        var payload = extra
        payload["service"] = .string(service.rawValue)
        payload["outcome"] = .string(outcome)
        if let transactionId = session?.transactionId { payload["transactionId"] = .string(transactionId) }
        journal(.serviceOutcome, payload: payload)
        phase = rate ? .rating(service) : .menu
        lastInput = now.uptime
    }

    mutating func onCertificate(_ id: RequestID, _ certificate: HubCertificate) {
        guard take(id) != nil, session != nil else { return }
        session?.certificate = certificate
        phase = .certificatePreview
        lastInput = now.uptime
        // The citizen reads the preview for seconds: its paper is rendered meanwhile.
        if let job = certificateJob() {
            session?.certificateJob = job
            emit(.prepareDocument(job))
        }
    }

    mutating func onContributions(_ id: RequestID, _ rows: [ContributionRow]) {
        guard take(id) != nil, session != nil else { return }
        phase = .contributions(rows.sorted { ($0.month, $0.insurance) > ($1.month, $1.insurance) }, page: 0)
        lastInput = now.uptime
    }

    mutating func onPensionPayments(_ id: RequestID, _ rows: [PensionPayment]) {
        guard case .hub(.pensionPayments)? = take(id), session != nil, case .loading = phase else { return }
        phase = .pensionPayments(year: pensionYearAsked ?? 0, rows.sorted { $0.month > $1.month }, page: 0)
        lastInput = now.uptime
    }

    /// The year chosen on the year screen (kept in the request-time phase).
    var pensionYearAsked: Int? { session?.pensionYear }

    func pageCount(_ rows: Int) -> Int { max(1, (rows + settings.rowsPerPage - 1) / settings.rowsPerPage) }

    mutating func contributionsKey(_ key: Key, _ rows: [ContributionRow], _ page: Int) {
        switch key {
        case .up, .digit(1): phase = .contributions(rows, page: max(0, page - 1))
        case .down, .digit(2): phase = .contributions(rows, page: min(pageCount(rows.count) - 1, page + 1))
        case .digit(3) where health.canPrint(.receipt):
            printReceipt(.contributionHistory, outcome: "shown-receipt", outcomeKey: "outcome.contributions-shown")
        case .enter, .back: finishService(.contributionHistory, outcome: "shown", rate: true, extra: ["rows": .int(rows.count)])
        default: return
        }
    }

    /// The years offered: 1 this year, 2 last year, 3 the year before.
    var pensionYears: [Int] {
        let year = SessionClock.yearMonth(now.wall, settings.timeZone).0
        return [year, year - 1, year - 2]
    }

    mutating func pensionYearKey(_ key: Key) {
        switch key {
        case .digit(let n) where (1...pensionYears.count).contains(n):
            guard let subjectRef = session?.subject?.subjectRef else { return }
            let year = pensionYears[n - 1]
            session?.pensionYear = year
            let id = newRequest(.hub(.pensionPayments))
            emit(.fetchPensionPayments(id, subjectRef: subjectRef, year: year))
            phase = .loading(.pensionPayments, id)
        case .back:
            finishService(.pensionPayments, outcome: "cancelled", rate: false)
        default:
            return
        }
    }

    mutating func pensionPaymentsKey(_ key: Key, _ year: Int, _ rows: [PensionPayment], _ page: Int) {
        switch key {
        case .up, .digit(1): phase = .pensionPayments(year: year, rows, page: max(0, page - 1))
        case .down, .digit(2): phase = .pensionPayments(year: year, rows, page: min(pageCount(rows.count) - 1, page + 1))
        case .digit(3) where health.canPrint(.receipt):
            printReceipt(.pensionPayments, outcome: "shown-receipt", outcomeKey: "outcome.pension-shown")
        case .back: phase = .pensionYear
        case .enter: finishService(.pensionPayments, outcome: "shown", rate: true, extra: ["year": .int(year), "rows": .int(rows.count)])
        default: return
        }
    }

    // MARK: Face verification

    mutating func startFace() {
        guard let subjectRef = session?.subject?.subjectRef else { return }
        let id = newRequest(.face)
        var consent = FaceConsentRequest(
            version: settings.consentVersion, consentTextKey: "face.consent.text", acceptedAt: SessionClock.utc(now.wall))
        // The hub is told of the very text the citizen read, in their language.
        consent.locale = language
        emit(.startFaceVerification(id, subjectRef: subjectRef, consent: consent))
        phase = .faceRunning(id, nil)
    }

    mutating func onFaceProgress(_ id: RequestID, _ stage: FaceStage) {
        guard pending[id] == .face, session != nil else { return }
        // The journal records that a capture happened and that its frames were wiped: never the frames.
        if stage == .uploading { journal(.faceCapture, payload: ["service": .string(ServiceID.pensionQualification.rawValue)]) }
        if stage == .waitingForDecision { journal(.faceWipe, payload: ["frames": .string("zeroed-after-upload")]) }
        phase = .faceRunning(id, stage)
    }

    mutating func onFaceOutcome(_ id: RequestID, _ outcome: FaceVerificationOutcome) {
        guard take(id) == .face, session != nil else { return }
        session?.faceOutcome = outcome
        var payload: [String: JournalValue] = [
            "service": .string(ServiceID.pensionQualification.rawValue), "outcome": .string(outcome.decision),
        ]
        if let reason = outcome.reasonCode { payload["reasonCode"] = .string(reason) }
        if let receiptNo = outcome.receiptNo { payload["receiptNo"] = .string(receiptNo) }
        if let transactionId = session?.transactionId { payload["transactionId"] = .string(transactionId) }
        journal(.serviceOutcome, payload: payload)
        phase = .faceResult
        lastInput = now.uptime
    }

    mutating func faceResultKey(_ key: Key) {
        switch key {
        case .enter where health.canPrint(.receipt):
            let decision = session?.faceOutcome?.decision ?? "refer-manual"
            printReceipt(.pensionQualification, outcome: "receipt", outcomeKey: "outcome.face.\(decision)")
        case .enter, .back:
            phase = .rating(.pensionQualification)
        default:
            return
        }
    }

    // MARK: Failures

    mutating func onActionFailed(_ id: RequestID, _ failure: SessionFailure) {
        guard let kind = pending[id] else { return }
        switch kind {
        case .cardRead:
            onCardReadFailed(id, failure)
        case .esscResolve:
            onESSCFailed(id, failure)
        case .print:
            onPrintFailed(id, failure)
        case .staff:
            onStaffFailed(id, failure)
            return
        case .pin(let service), .hub(let service):
            pending[id] = nil
            guard session != nil else { return }
            session?.service = service
            phase = .serviceFailed(service, problem(failure))
            journal(
                .serviceOutcome,
                payload: ["service": .string(service.rawValue), "outcome": .string("failed"), "error": .string(failure.code)])
        case .face:
            pending[id] = nil
            guard session != nil else { return }
            // Frames taken but not delivered are wiped all the same: the journal says so either way.
            if case .faceRunning(_, .uploading) = phase {
                journal(.faceWipe, payload: ["frames": .string("zeroed-after-failed-upload")])
            }
            phase = .serviceFailed(.pensionQualification, problem(failure))
            journal(
                .serviceOutcome,
                payload: [
                    "service": .string(ServiceID.pensionQualification.rawValue), "outcome": .string("failed"),
                    "error": .string(failure.code),
                ])
        }
        lastInput = now.uptime
    }

    func problem(_ failure: SessionFailure) -> SessionProblem {
        switch failure {
        case .hub(let p): return .hubRefused(code: p.code)
        case .kiosk(let e):
            switch e.code {
            case .hubUnavailable, .timeout: return .hubUnavailable
            case .printer, .cupsUnavailable: return .printerUnavailable(.receipt)
            case .camera: return .faceFailed("camera")
            default: return .other(e.code.rawValue)
            }
        }
    }
}
