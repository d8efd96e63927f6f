/// Keys and the clock: what each key means in each phase, idle timeouts with their prompt.
extension SessionMachine {
    mutating func onKey(_ key: Key) {
        lastInput = now.uptime
        if promptSince != nil {
            // Any key answers "继续办理？"; it is not also taken as a choice on the screen below.
            // The citizen needs more time: the rest of their session goes at a slower pace.
            promptSince = nil
            session?.slowDown()
            return
        }
        if key == .language {
            // Only where nothing is half-done: the attract screen, the guides and the menu.
            switch phase {
            case .idle, .browsingGuides, .guides, .menu, .staffCode: switchLanguage()
            default: break
            }
            return
        }
        switch phase {
        case .idle:
            if key == .digit(0), !guides.isEmpty, !maintenance, !stopRequested { phase = .browsingGuides(GuideNav()) }
        case .browsingGuides(let nav):
            if let nav = guideKey(key, nav) { phase = .browsingGuides(nav) } else { goIdle() }
        case .guides(let nav):
            if let nav = guideKey(key, nav) { phase = .guides(nav) } else { phase = .menu }
        case .menu: menuKey(key)
        case .pin(let state): pinKey(key, state)
        case .staffCode(let state): staffCodeKey(key, state)
        case .pinBlocked: if key == .enter || key == .back { phase = .menu }
        case .certificatePreview:
            if key == .enter { printCertificate() }
            if key == .back { finishService(.participationCertificate, outcome: "declined", rate: false) }
        case .contributions(let rows, let page): contributionsKey(key, rows, page)
        case .pensionYear: pensionYearKey(key)
        case .pensionPayments(let year, let rows, let page): pensionPaymentsKey(key, year, rows, page)
        case .faceConsent:
            if key == .enter { startFace() }
            if key == .back { finishService(.pensionQualification, outcome: "consent-declined", rate: false) }
        case .faceRunning(let id, _):
            if key == .back {
                pending[id] = nil
                emit(.cancelFaceVerification(id))
                finishService(.pensionQualification, outcome: "cancelled", rate: true)
            }
        case .faceResult: faceResultKey(key)
        case .cardStatus: if key == .enter || key == .back { finishService(.cardStatus, outcome: "shown", rate: true) }
        case .printing(let run): printingKey(key, run)
        case .printFailed: if key == .enter || key == .back { phase = .rating(session?.service ?? .participationCertificate) }
        case .serviceFailed(let service, _): if key == .enter || key == .back { phase = .rating(service) }
        case .rating(let service): ratingKey(key, service)
        case .takeCard(let state):
            if key == .enter, state.reason == .finished, session != nil, state.level == .gentle { phase = .menu }
        case .codeRefused:
            if key == .enter || key == .back { goIdle() }
        case .reading, .resolvingCode, .loading, .cardRemoved:
            return
        }
    }

    private mutating func menuKey(_ key: Key) {
        switch key {
        case .digit(0):
            menuZero()
        case .digit(let n):
            guard let item = menuItems().first(where: { $0.number == n }), item.availability.isAvailable,
                let definition = catalog.definition(item.service)
            else { return }
            if definition.pinRequired && session?.pinVerified != true {
                phase = .pin(PINState(service: definition.id))
            } else {
                begin(definition.id)
            }
        case .back:
            askForCard(.finished)
        default:
            return
        }
    }

    /// nil = leave the guides.
    private func guideKey(_ key: Key, _ nav: GuideNav) -> GuideNav? {
        var nav = nav
        guard let index = nav.guide else {
            switch key {
            case .digit(let n) where n >= 1 && n <= guides.count: return GuideNav(guide: n - 1)
            case .back: return nil
            default: return nav
            }
        }
        let last = ServiceGuide.Section.allCases.count - 1
        switch key {
        case .enter, .down, .digit(2):
            if nav.section < last { nav.section += 1 } else { return GuideNav() }
        case .up, .digit(1):
            nav.section = max(0, nav.section - 1)
        case .back:
            return GuideNav()
        default:
            break
        }
        nav.guide = index
        return nav
    }

    private mutating func ratingKey(_ key: Key, _ service: ServiceID) {
        switch key {
        case .digit(let score) where RatingRecord.scores.contains(score):
            guard let session else { return }
            let transactionId = session.transactionId ?? session.id
            var rating = RatingRecord(
                transactionId: transactionId, service: service.rawValue, score: score, sessionId: session.id,
                time: SessionClock.utc(now.wall))
            rating.staffRef = session.staff?.staffRef
            emit(.recordRating(rating))
            // No journal entry here: the store journals the rating in the same transaction as
            // its outbox row (a second one made the hub's journal count every rating twice).
            askForCard(.finished)
        case .back:
            journal(.rating, payload: ["service": .string(service.rawValue), "skipped": .bool(true)])
            askForCard(.finished)
        default:
            return
        }
    }

    mutating func onTick() {
        let t = settings.timeouts
        switch phase {
        case .takeCard(let state):
            takeCardTick(state)
            return
        case .cardRemoved(let until, _), .codeRefused(let until, _):
            if now.uptime >= until { goIdle() }
            return
        case .browsingGuides:
            if now.uptime - lastInput >= t.guideIdleSeconds { goIdle() }
            return
        case .printing(let run):
            printingTick(run)
            return
        case .idle where session == nil && language != nil:
            // Chosen on the attract screen by someone who left: the next citizen gets the kiosk's.
            if now.uptime - lastInput >= t.guideIdleSeconds { language = nil }
            return
        case .reading(let id), .resolvingCode(let id):
            // A card that stops answering (SCardTransmit has no deadline of its own), or a hub that
            // never resolves a scanned code, ends like one that failed.
            let deadline = Self.readDeadlineSeconds
            if now.uptime - readingSince >= deadline {
                onActionFailed(id, .kiosk(KioskError(.timeout, "no answer within \(Int(deadline)) s")))
            }
            return
        default:
            break
        }
        guard session != nil, phase.awaitsInput else { return }
        if let since = promptSince {
            if now.uptime - since >= t.promptSeconds * pace {
                journal(
                    .serviceOutcome, payload: ["service": .string(session?.service?.rawValue ?? "menu"), "outcome": .string("timed-out")])
                askForCard(.timedOut)
            }
        } else if now.uptime - lastInput >= t.idleSeconds * pace {
            promptSince = now.uptime
        }
    }
}
