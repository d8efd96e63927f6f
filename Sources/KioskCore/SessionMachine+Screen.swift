/// The screen model, derived from the state on every read: nothing is cached, so a wiped
/// session cannot linger on the screen.
extension SessionMachine {
    public var screen: Screen {
        let t = settings.timeouts
        var screen = Screen(content: content, status: statusInfo, locale: language, nextLocale: nextLocale)
        if let notice, now.uptime < notice.until { screen.notice = notice.key }
        if session != nil, phase.awaitsInput {
            if let since = promptSince {
                screen.continuePrompt = Self.secondsLeft(t.promptSeconds * pace - (now.uptime - since))
            } else {
                screen.countdown = Self.secondsLeft(t.idleSeconds * pace - (now.uptime - lastInput))
            }
        }
        return screen
    }

    static func secondsLeft(_ value: Double) -> Int { max(0, Int(value.rounded(.up))) }

    var statusInfo: StatusInfo {
        var status = StatusInfo(
            kioskId: settings.kioskId, hall: settings.hall, clock: SessionClock.clock(now.wall, settings.timeZone),
            receiptPrinter: health.printers[.receipt]?.shownCondition,
            certificatePrinter: health.printers[.certificate]?.shownCondition,
            hub: health.hub, cameraPresent: health.cameraPresent)
        status.assistedBy = session?.staff.map { Masking.name($0.displayName) }
        status.scannerPresent = health.scannerPresent
        return status
    }

    private var idleContent: ScreenContent {
        if stopRequested { return .stopping }
        if maintenance { return .outOfService }
        return .attract(guides: !guides.isEmpty)
    }

    var content: ScreenContent {
        switch phase {
        case .idle: return idleContent
        case .browsingGuides(let nav): return guideContent(nav)
        case .reading: return .reading
        case .resolvingCode: return .resolvingCode
        case .codeRefused(_, let problem): return .codeRefused(problem)
        case .takeCard(let s):
            return .takeCard(TakeCardView(reason: s.reason, problem: s.problem, level: s.level, canContinue: canContinue(s)))
        case .cardRemoved(_, let view): return .cardRemoved(view)
        default: break
        }
        // Every other phase belongs to a session; without one, show nothing of it.
        guard let session else { return idleContent }
        switch phase {
        case .menu: return .menu(MenuView(holder: session.holderMasked, items: menuItems()))
        case .pin(let s):
            return .pinEntry(
                PINEntryView(
                    service: s.service, digitsEntered: s.digits.count, maxDigits: settings.pinLength, triesLeft: s.triesLeft,
                    checking: s.checking != nil))
        case .pinBlocked: return .pinBlocked
        case .staffCode: return staffCodeView.map { .staffCode($0) } ?? .menu(MenuView(holder: session.holderMasked, items: menuItems()))
        case .loading(let service, _): return .loading(service)
        case .certificatePreview:
            guard let c = session.certificate else { return .loading(.participationCertificate) }
            return .certificatePreview(
                CertificatePreview(
                    certificateNo: c.certificateNo, holderName: Masking.name(c.holder.name), holderSSN: Masking.ssn(c.holder.ssn),
                    months: c.months,
                    insurances: c.insurances, employers: c.employers.map(\.employer), verificationCode: c.verificationCode,
                    withReceipt: health.canPrint(.receipt)))
        case .contributions(let rows, let page):
            return .contributions(
                table(rows, page) {
                    ContributionLine(
                        month: $0.month, insurance: $0.insurance, personalAmount: $0.personalAmount, employerAmount: $0.employerAmount,
                        status: $0.status)
                })
        case .pensionYear: return .pensionYearChoice(years: pensionYears)
        case .pensionPayments(let year, let rows, let page):
            return .pensionPayments(
                year: year,
                page: table(rows, page) { PensionLine(month: $0.month, amount: $0.amount, bankMasked: $0.bankMasked, paidOn: $0.paidOn) })
        case .faceConsent: return .faceConsent
        case .faceRunning(_, let stage): return .faceProgress(stage)
        case .faceResult:
            return .faceResult(
                session.faceOutcome
                    ?? FaceVerificationOutcome(
                        decision: "refer-manual", reasonCode: nil, nextDueBy: nil, receiptNo: nil, attemptsLeftToday: nil))
        case .cardStatus: return .cardStatus(cardStatusView(session))
        case .guides(let nav): return guideContent(nav)
        case .printing(let run):
            let held = run.progress.flatMap { $0.isHeld ? $0.printer.condition : nil }
            return .printing(
                PrintingView(
                    kind: run.current.kind, document: run.index + 1, documents: run.jobs.count, state: run.progress?.job.state,
                    heldBy: held,
                    cancelling: run.cancelling))
        case .printFailed(let view): return .printFailed(view)
        case .serviceFailed(let service, let problem): return .serviceFailed(service, problem)
        case .rating(let service): return .rating(service)
        default: return idleContent
        }
    }

    private func canContinue(_ s: TakeCardState) -> Bool {
        s.reason == .finished && s.level == .gentle && session != nil && !stopRequested
    }

    private func table<Source, Row: Sendable & Equatable>(_ rows: [Source], _ page: Int, _ map: (Source) -> Row) -> TablePage<Row> {
        let size = settings.rowsPerPage
        let slice = rows.dropFirst(page * size).prefix(size)
        return TablePage(
            rows: slice.map(map), page: page, pageCount: pageCount(rows.count), totalRows: rows.count, canPrint: health.canPrint(.receipt))
    }

    private func guideContent(_ nav: GuideNav) -> ScreenContent {
        guard let index = nav.guide, guides.indices.contains(index) else { return .guideList(guides.map(\.title)) }
        let guide = guides[index]
        let sections = ServiceGuide.Section.allCases
        let section = sections[min(nav.section, sections.count - 1)]
        return .guide(
            GuideView(
                title: guide.title, section: section, sectionIndex: nav.section, sectionCount: sections.count, items: guide.items(section)))
    }

    private func cardStatusView(_ session: SessionData) -> CardStatusView {
        let card = session.card
        let today = SessionClock.date(now.wall, settings.timeZone)
        var soon = false
        if let expiry = card?.expiryDate, let today,
            let limit = CardDate(year: today.year + (today.month > 9 ? 1 : 0), month: (today.month + 2) % 12 + 1, day: 1)
        {
            soon = expiry < limit && !(expiry < today)
        }
        return CardStatusView(
            hubStatus: session.subject?.cardStatus, cardNumberMasked: card?.cardNumberMasked ?? "", expiry: card?.expiryDate?.description,
            expired: today.map { card?.isExpired(today: $0) ?? false } ?? false, expiresSoon: soon)
    }
}
