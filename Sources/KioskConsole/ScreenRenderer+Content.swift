import KioskCore

/// What each screen says, in the locale's words. Layout is not decided here.
extension ScreenRenderer {
    static func body(_ screen: Screen, _ t: LocaleTexts, columns: Int, rows: Int) -> ScreenBody {
        // Small screens (40×12) get the short forms: every menu item must still show.
        let compact = rows < 16 || columns < 60
        switch screen.content {
        case .attract(let guides):
            var lines: [BodyLine] = [
                .center(t("attract.welcome")), .blank, .center(t("attract.insert"), .emphasis), .center(t("attract.how")),
            ]
            if screen.status.scannerPresent == true { lines.append(.center(t("attract.essc"), .emphasis)) }
            if guides { lines += [.blank, .center(t("attract.guides"))] }
            return ScreenBody(title: screen.status.hall, lines: lines, middle: true)
        case .outOfService:
            return ScreenBody(
                title: screen.status.hall, lines: [.center(t("outOfService.title"), .warning), .blank, .center(t("outOfService.body"))],
                middle: true)
        case .stopping:
            return ScreenBody(
                title: screen.status.hall, lines: [.center(t("stopping.title"), .warning), .center(t("stopping.body"))], middle: true)
        case .reading:
            return ScreenBody(
                title: t("reading.title"), lines: [.center(t("reading.body"), .emphasis), .blank, .center(t("reading.keep"))], middle: true)
        case .resolvingCode:
            return ScreenBody(title: t("essc.title"), lines: [.center(t("essc.resolving"), .emphasis)], middle: true)
        case .codeRefused(let problem):
            return ScreenBody(
                title: t("essc.title"),
                lines: [.center(t("essc.problem.\(problem.rawValue)"), .warning), .blank, .center(t("essc.orCard"))],
                hint: t("hint.continue"), middle: true)
        case .pinEntry(let v): return pin(v, t)
        case .staffCode(let v): return staffCode(v, t)
        case .pinBlocked:
            return ScreenBody(
                title: t("pin.title"), lines: [.center(t("pin.blocked"), .warning), .blank, .center(t("pin.blockedHelp"))],
                hint: t("hint.continue"), middle: true)
        case .menu(let v): return menu(v, t, compact: compact, width: columns - 2)
        case .loading(let service):
            return ScreenBody(title: t(titleKey(service)), lines: [.center(t("loading.body"), .emphasis)], middle: true)
        case .certificatePreview(let v): return certificatePreview(v, t, compact: compact)
        case .contributions(let page): return contributions(page, t, compact: compact)
        case .pensionYearChoice(let years): return pensionYears(years, t)
        case .pensionPayments(let year, let page): return pensionPayments(year, page, t)
        case .faceConsent:
            return ScreenBody(
                title: t("service.pension-qualification"),
                lines: [
                    BodyLine(text: t("face.consent.text")), .blank, BodyLine(text: t("face.consent.agree"), style: .emphasis),
                    BodyLine(text: t("face.consent.counter")),
                ], hint: t("hint.consent"))
        case .faceProgress(let stage): return faceProgress(stage, t)
        case .faceResult(let outcome): return faceResult(outcome, canPrint: screen.status.receiptPrinter?.canPrint ?? false, t)
        case .cardStatus(let v): return cardStatus(v, t)
        case .guideList(let titles):
            let lines = titles.enumerated().map { BodyLine(text: "\($0.offset + 1)  \($0.element)", style: .emphasis) }
            return ScreenBody(
                title: t("guides.title"), lines: [BodyLine(text: t("guides.choose")), .blank] + lines, hint: t("hint.guides"))
        case .guide(let v):
            let heading = t("guide.section.\(v.section.rawValue)") + "（\(v.sectionIndex + 1)/\(v.sectionCount)）"
            let items = v.items.enumerated().map {
                BodyLine(text: v.items.count > 1 ? "\($0.offset + 1). \($0.element)" : $0.element, hangingIndent: v.items.count > 1 ? 3 : 0)
            }
            return ScreenBody(title: v.title, lines: [BodyLine(text: heading, style: .emphasis)] + items, hint: t("hint.guide"))
        case .printing(let v): return printing(v, t)
        case .printFailed(let v):
            let headline =
                v.mayHavePrinted ? "printFailed.uncertain" : v.cancelled ? "printFailed.cancelled" : "printFailed.\(v.kind.rawValue)"
            var lines: [BodyLine] = [.center(t(headline), .warning), .blank]
            if v.mayHavePrinted {
                lines.append(.center(t("printFailed.checkTray")))
            } else if let no = v.certificateNo, v.kind == .certificate {
                lines.append(.center(t("printFailed.counterWithNo", ["no": no])))
            } else {
                lines.append(.center(t("printFailed.counter")))
            }
            return ScreenBody(title: t("printing.title"), lines: lines, hint: t("hint.continue"), middle: true)
        case .serviceFailed(let service, let problem):
            return ScreenBody(
                title: t(titleKey(service)),
                lines: [
                    .center(t("failed.title", ["service": t(titleKey(service))]), .warning), .center(problemText(problem, t)), .blank,
                    .center(t("failed.alternative")),
                ],
                hint: t("hint.continue"), middle: true)
        case .rating(let service): return rating(service, t)
        case .takeCard(let v): return takeCard(v, t)
        case .cardRemoved(let v):
            var lines: [BodyLine] = [.center(t(v.interrupted ? "removed.interrupted" : "removed.thanks"), .emphasis)]
            if v.printHeld {
                lines += [.blank, .center(t("removed.printHeld"), .warning)]
            } else if let kind = v.printInProgress {
                lines += [.blank, .center(t("removed.printing.\(kind.rawValue)"), .warning)]
            }
            return ScreenBody(title: screen.status.hall, lines: lines, middle: true)
        }
    }

    static func titleKey(_ service: ServiceID) -> String { "service.\(service.rawValue)" }

    private static func pin(_ v: PINEntryView, _ t: LocaleTexts) -> ScreenBody {
        let dots = (0..<v.maxDigits).map { $0 < v.digitsEntered ? "*" : "_" }.joined(separator: " ")
        var lines: [BodyLine] = [.center(t("pin.enter", ["digits": String(v.maxDigits)])), .blank, .center(dots, .emphasis)]
        if v.checking { lines += [.blank, .center(t("pin.checking"))] }
        if let tries = v.triesLeft { lines += [.blank, .center(t("pin.wrong", ["tries": String(tries)]), .warning)] }
        return ScreenBody(title: t(titleKey(v.service)), lines: lines, hint: t("hint.pin"), middle: true)
    }

    /// 帮办: the worker's code, as dots; why the last one failed; the lock's time left.
    private static func staffCode(_ v: StaffCodeView, _ t: LocaleTexts) -> ScreenBody {
        if let seconds = v.lockedSeconds {
            let minutes = String(max(1, (seconds + 59) / 60))
            return ScreenBody(
                title: t("staff.title"), lines: [.center(t("staff.locked", ["minutes": minutes]), .warning)], hint: t("hint.continue"),
                middle: true)
        }
        let dots = (0..<v.maxDigits).map { $0 < v.digitsEntered ? "*" : "_" }.joined(separator: " ")
        var lines: [BodyLine] = [.center(t("staff.enter", ["digits": String(v.maxDigits)])), .blank, .center(dots, .emphasis)]
        if v.checking { lines += [.blank, .center(t("staff.checking"))] }
        switch v.problem {
        case .refused: lines += [.blank, .center(t("staff.refused", ["tries": String(v.triesLeft ?? 0)]), .warning)]
        case .unavailable: lines += [.blank, .center(t("staff.unavailable"), .warning)]
        case nil: break
        }
        return ScreenBody(title: t("staff.title"), lines: lines, hint: t("hint.pin"), middle: true)
    }

    private static func menu(_ v: MenuView, _ t: LocaleTexts, compact: Bool, width: Int) -> ScreenBody {
        // A card without a holder's name (or a hub that sent none) is greeted without one, never "，您好！".
        let named = !v.holder.allSatisfy(\.isWhitespace)
        var lines: [BodyLine] = [BodyLine(text: named ? t("menu.greeting", ["name": v.holder]) : t("menu.greetingNoName"))]
        if !compact { lines.append(.blank) }
        var greyed = false
        var onlyTheCardMissing = true
        for item in v.items {
            let title = t(item.titleKey)
            switch item.availability {
            case .available:
                lines.append(BodyLine(text: "\(item.number)  \(title)", style: .emphasis))
            case .unavailable(let reason) where compact:
                // One line per item: the reason if it fits, the alternative once below.
                greyed = true
                if reason != .needsCard { onlyTheCardMissing = false }
                let long = t("menu.unavailableShort", ["title": title, "reason": reasonText(reason, t)])
                let text = DisplayWidth.of("\(item.number)  \(long)") <= width ? long : t("menu.unavailableTitle", ["title": title])
                lines.append(BodyLine(text: "\(item.number)  \(text)", style: .dim))
            case .unavailable(let reason):
                // What the citizen can do instead: for a service the electronic card cannot have,
                // the card itself, not the counter.
                let alternative = reason == .needsCard ? "alt.insertCard" : item.alternativeKey
                let why = t("menu.unavailable", ["reason": reasonText(reason, t), "alternative": t(alternative)])
                lines.append(BodyLine(text: "\(item.number)  \(title)  \(why)", style: .dim, hangingIndent: 3))
            }
        }
        if greyed { lines.append(BodyLine(text: t(onlyTheCardMissing ? "menu.needsCardHint" : "menu.unavailableHint"), style: .dim)) }
        return ScreenBody(title: t("menu.title"), lines: lines, hint: t("hint.menu"))
    }

    static func reasonText(_ reason: UnavailableReason, _ t: LocaleTexts) -> String {
        switch reason {
        case .printer(let role, let condition):
            t(
                "reason.printer",
                ["printer": t("printer.role.\(role.rawValue)"), "condition": t("printer.\(condition?.rawValue ?? "unknown")")])
        case .hubDown: t("reason.hubDown")
        case .hubUnknown: t("reason.hubUnknown")
        case .noCamera: t("reason.noCamera")
        case .subjectUnknown: t("reason.subjectUnknown")
        case .cardDataUnreadable: t("reason.cardDataUnreadable")
        case .pinBlocked: t("reason.pinBlocked")
        case .needsCard: t("reason.needsCard")
        case .cardNotActive(let status): t("reason.cardNotActive", ["status": t("cardStatus.\(status)")])
        case .maintenance: t("reason.maintenance")
        }
    }

    /// Plain words only: a machine code (the hub's problem code, the kiosk's error code) never
    /// reaches the citizen; it is in the journal's service-outcome record for the technician.
    private static func problemText(_ problem: SessionProblem, _ t: LocaleTexts) -> String {
        switch problem {
        case .hubUnavailable: t("problem.hubUnavailable")
        case .hubRefused(let code): t.has("problem.hub.\(code)") ? t("problem.hub.\(code)") : t("problem.hubRefused")
        case .printerUnavailable(let role): t("problem.printer", ["printer": t("printer.role.\(role.rawValue)")])
        case .faceFailed(let reason): t.has("face.reason.\(reason)") ? t("face.reason.\(reason)") : t("face.reason.other")
        case .other: t("problem.other")
        }
    }

    private static func faceProgress(_ stage: FaceStage?, _ t: LocaleTexts) -> ScreenBody {
        let stages: [FaceStage] = [.sessionCreated, .capturing, .uploading, .waitingForDecision]
        let current = stage.flatMap { stages.firstIndex(of: $0) } ?? -1
        var lines: [BodyLine] = [.center(t(stage == .capturing ? "face.lookAtCamera" : "face.wait"), .emphasis), .blank]
        for (i, s) in stages.enumerated() {
            let mark = i < current ? t("face.step.done") : (i == current ? t("face.step.now") : t("face.step.next"))
            lines.append(BodyLine(text: "\(mark) \(t("face.stage.\(s.rawValue)"))", style: i == current ? .emphasis : .plain))
        }
        return ScreenBody(title: t("service.pension-qualification"), lines: lines, hint: t("hint.faceCancel"))
    }

    private static func faceResult(_ o: FaceVerificationOutcome, canPrint: Bool, _ t: LocaleTexts) -> ScreenBody {
        let passed = o.decision == "passed"
        var lines: [BodyLine] = [.center(t("face.decision.\(o.decision)"), passed ? .emphasis : .warning), .blank]
        if let due = o.nextDueBy, passed { lines.append(.center(t("face.nextDue", ["date": due]))) }
        if let reason = o.reasonCode, !passed { lines.append(.center(t("face.reason.\(reason)"))) }
        if let left = o.attemptsLeftToday, o.decision == "failed-retryable" {
            lines.append(.center(t("face.attemptsLeft", ["n": String(left)])))
        }
        if !passed { lines.append(.center(t("face.counter"))) }
        if let no = o.receiptNo { lines.append(.center(t("face.receiptNo", ["no": no]))) }
        return ScreenBody(
            title: t("service.pension-qualification"), lines: lines, hint: t(canPrint ? "hint.faceResultPrint" : "hint.continue"),
            middle: true)
    }

    private static func cardStatus(_ v: CardStatusView, _ t: LocaleTexts) -> ScreenBody {
        let status = v.hubStatus.map { t("cardStatus.\($0)") } ?? t("cardStatus.unknown")
        var lines: [BodyLine] = [
            .center(t("card.status", ["status": status]), v.hubStatus == "active" ? .emphasis : .warning), .blank,
            .center(t("card.number", ["number": v.cardNumberMasked])),
        ]
        if let expiry = v.expiry { lines.append(.center(t("card.expiry", ["date": expiry]))) }
        if v.expired {
            lines.append(.center(t("card.expired"), .warning))
        } else if v.expiresSoon {
            lines.append(.center(t("card.expiresSoon"), .warning))
        }
        if let s = v.hubStatus, s != "active" { lines += [.blank, .center(t("card.help.\(s)"))] }
        return ScreenBody(title: t("service.card-status"), lines: lines, hint: t("hint.done"), middle: true)
    }

    private static func printing(_ v: PrintingView, _ t: LocaleTexts) -> ScreenBody {
        let what = t("printing.\(v.kind.rawValue)", ["n": String(v.document), "of": String(v.documents)])
        var lines: [BodyLine] = [.center(what, .emphasis), .blank]
        if let held = v.heldBy {
            lines += [.center(t("printing.held", ["condition": t("printer.\(held.rawValue)")]), .warning), .center(t("printing.heldHelp"))]
        } else {
            lines += [.center(t("printing.state.\(v.state?.rawValue ?? "sending")")), .center(progressBar(v))]
        }
        if v.cancelling { lines += [.blank, .center(t("printing.cancelling"), .warning)] }
        if v.heldBy == nil { lines += [.blank, .center(t("printing.wait"))] }
        return ScreenBody(
            title: t("printing.title"), lines: lines, hint: v.heldBy != nil && !v.cancelling ? t("hint.printHeld") : "", middle: true)
    }

    /// Documents done out of all, as blocks: "■■□" (ASCII-safe widths: '#' and '-').
    private static func progressBar(_ v: PrintingView) -> String {
        let done = v.document - 1 + (v.state == .completed ? 1 : 0)
        let steps = v.documents * 4
        let filled = done * 4 + (v.state == .processing ? 2 : (v.state == .pending ? 1 : 0))
        return "[" + String(repeating: "#", count: min(filled, steps)) + String(repeating: "-", count: max(0, steps - filled)) + "]"
    }

    private static func rating(_ service: ServiceID, _ t: LocaleTexts) -> ScreenBody {
        var lines: [BodyLine] = [BodyLine(text: t("rating.ask", ["service": t(titleKey(service))])), .blank]
        for score in RatingRecord.scores.reversed() { lines.append(BodyLine(text: "\(score)  \(t("rating.\(score)"))", style: .emphasis)) }
        return ScreenBody(title: t("rating.title"), lines: lines, hint: t("hint.rating"))
    }

    private static func takeCard(_ v: TakeCardView, _ t: LocaleTexts) -> ScreenBody {
        let loud = v.level >= .loud
        var lines: [BodyLine] = [.center(t(loud ? "takeCard.loud" : "takeCard.title"), loud ? .warning : .emphasis), .blank]
        if let problem = v.problem {
            lines.append(.center(t("cardProblem.\(problem.rawValue)")))
        } else {
            lines.append(.center(t("takeCard.\(v.reason.rawValue)")))
        }
        if v.level == .staff { lines += [.blank, .center(t("takeCard.staff"), .warning)] }
        return ScreenBody(title: t("takeCard.heading"), lines: lines, hint: v.canContinue ? t("hint.takeCardContinue") : "", middle: true)
    }
}
