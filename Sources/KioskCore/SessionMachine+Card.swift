/// The card's life in the slot: insertion, reading, PIN, removal, and the take-card reminders.
extension SessionMachine {
    mutating func onCard(_ event: CardEvent) {
        switch event {
        case .cardInserted(let reader, let atr):
            guard slotReader == nil else { return }  // a second reader's card waits its turn
            slotReader = reader
            slotATR = atr
            cardInserted(reader: reader, atr: atr)
        case .cardRemoved(let reader):
            guard reader == slotReader else { return }
            slotLeft()
        case .readerRemoved(let reader):
            guard reader == slotReader else { return }
            slotLeft()
        case .serviceUnavailable:
            // pcscd went away: nobody can tell whether the card is still there; end safely.
            guard slotReader != nil else { return }
            slotLeft()
        case .readerAdded, .serviceRestored:
            return
        }
    }

    private mutating func slotLeft() {
        slotReader = nil
        slotATR = nil
        // A card put in during an electronic card's session and taken out again was never part
        // of that session.
        if cardWaiting {
            cardWaiting = false
            return
        }
        cardGone()
    }

    private mutating func cardInserted(reader: String, atr: [UInt8]) {
        if session?.credential == .essc {
            // The citizen brought their card after all (a service needs it): it is read as soon
            // as the electronic card's session is back at its menu, or over (`admitWaitingCard`).
            cardWaiting = true
            return
        }
        startCardSession(reader: reader, atr: atr)
    }

    /// After every event: a card that waited for an electronic card's session takes over once
    /// that session is back at its menu, or starts its own once that session ended.
    mutating func admitWaitingCard() {
        guard cardWaiting, let reader = slotReader else { return }
        if session?.credential == .essc {
            // At the menu, not in the middle of a service the citizen is reading; out of service,
            // the electronic card's citizen finishes and the card is handed back after.
            guard case .menu = phase, !pending.values.contains(where: { !$0.isPrint }), !maintenance, !stopRequested else { return }
            endSession("card-inserted")
            goIdle()
        }
        guard session == nil else { return }
        switch phase {
        case .idle, .codeRefused, .browsingGuides: break
        default: return
        }
        cardWaiting = false
        languageEndsAtIdle = false  // the same citizen: the language they chose stays
        startCardSession(reader: reader, atr: slotATR ?? [])
    }

    /// A card's session, or, out of service or stopping, the card handed back at once.
    mutating func startCardSession(reader: String, atr: [UInt8]) {
        if stopRequested || maintenance {
            phase = .takeCard(TakeCardState(since: now.uptime, reason: stopRequested ? .shutdown : .maintenance))
            return
        }
        guard session == nil else { return }
        session = SessionData(id: settings.makeID())
        journal(.sessionStart, payload: ["reader": .string(reader)])
        let id = newRequest(.cardRead)
        phase = .reading(id)
        readingSince = now.uptime  // a mute card must not hold "reading" for good (onTick)
        emit(.readCard(id, reader: reader, atr: atr))
    }

    /// 65 or more (the card's, the ID number's or the hub's birth date): a slower pace from the start.
    mutating func paceForAge() {
        if let age = session?.age(on: now.wall, in: settings.timeZone), age >= SessionData.olderCitizenAge {
            session?.pace = SessionData.paceStep
        }
    }

    /// The card left the slot: a finished session just returns to attract; anything else ends
    /// the session and tells the citizen what happened (and what to do about a print).
    private mutating func cardGone() {
        switch phase {
        case .takeCard, .idle, .browsingGuides, .cardRemoved:
            endSession("card-removed")
            goIdle()
        default:
            var view = CardRemovedView(printInProgress: nil, printHeld: false, interrupted: true)
            if case .printing(let run) = phase {
                view.printInProgress = run.current.kind
                view.printHeld = run.progress?.isHeld ?? false
                if view.printHeld { emit(.cancelPrint(run.current.id)) }
            }
            if case .rating = phase { view.interrupted = false }
            endSession("card-removed")
            goIdle()
            phase = .cardRemoved(until: now.uptime + settings.timeouts.noticeSeconds, view)
        }
    }

    mutating func onCardRead(_ id: RequestID, _ card: SocialSecurityCard, _ subject: HubSubject?) {
        guard take(id) == .cardRead, session != nil else { return }
        session?.card = card
        session?.subject = subject
        paceForAge()
        var display = ["cardNumber": card.cardNumberMasked]
        if let name = subject.map({ Masking.name($0.displayName) }) ?? card.nameMasked { display["name"] = name }
        if let ssn = card.ssnMasked { display["ssn"] = ssn }
        var payload: [String: JournalValue] = ["generation": .int(card.generation), "outcome": .string("read")]
        if let status = subject?.cardStatus { payload["cardStatus"] = .string(status) }
        if subject == nil { payload["subject"] = .string("unresolved") }
        if let problem = card.protectedDataProblem { payload["protectedData"] = .string(problem.rawValue) }
        journal(.cardRead, display: display, payload: payload)
        phase = .menu
        lastInput = now.uptime
    }

    mutating func onCardReadFailed(_ id: RequestID, _ failure: SessionFailure) {
        guard take(id) == .cardRead, session != nil else { return }
        var problem = CardProblem.unreadable
        if case .kiosk(let error) = failure {
            switch error.code {
            case .cardRemoved: problem = .removedWhileReading
            case .notSocialSecurityCard: problem = .notSocialSecurityCard
            case .cardRejected: problem = .rejected
            default: problem = .unreadable
            }
        }
        journal(.cardRead, payload: ["outcome": .string("failed"), "error": .string(failure.code)])
        let sessionId = session?.id
        endSession("card-unreadable")
        phase = .takeCard(TakeCardState(since: now.uptime, reason: .cardProblem, problem: problem, sessionId: sessionId))
    }

    // MARK: PIN

    mutating func pinKey(_ key: Key, _ state: PINState) {
        guard state.checking == nil else { return }
        var state = state
        switch Self.digitEntry(key, state.digits, length: settings.pinLength) {
        case .typed(let digits): state.digits = digits
        case .leave:
            phase = .menu
            return
        case .submit(let pin):
            let id = newRequest(.pin(state.service))
            emit(.verifyPIN(id, pin: pin))
            state.digits = ""
            state.checking = id
        case .ignored: return
        }
        phase = .pin(state)
    }

    /// What a key does to a row of secret digits (a PIN, a worker's code) of `length`.
    enum DigitEntry: Equatable {
        case typed(String)
        /// Back on an empty row.
        case leave
        /// Enter on a full row.
        case submit(String)
        case ignored
    }

    static func digitEntry(_ key: Key, _ digits: String, length: Int) -> DigitEntry {
        switch key {
        case .digit(let d): return digits.count < length ? .typed(digits + String(d)) : .ignored
        case .back: return digits.isEmpty ? .leave : .typed(String(digits.dropLast()))
        case .enter: return digits.count == length ? .submit(digits) : .ignored
        case .up, .down, .language: return .ignored
        }
    }

    mutating func onPINResult(_ id: RequestID, _ result: PINResult) {
        guard case .pin(let service)? = take(id), session != nil else { return }
        switch result {
        case .verified:
            session?.pinVerified = true
            begin(service)
        case .wrong(let triesLeft):
            phase = .pin(PINState(service: service, triesLeft: triesLeft))
        case .blocked:
            session?.pinBlocked = true
            journal(.serviceOutcome, payload: ["service": .string(service.rawValue), "outcome": .string("pin-blocked")])
            phase = .pinBlocked
        }
        lastInput = now.uptime
    }

    // MARK: Leaving

    /// The citizen is done (or walked away): ask for the card. A finished session stays open a
    /// little, so "continue" can lead back to the menu; the loud reminder wipes it.
    mutating func askForCard(_ reason: TakeCardReason) {
        if session?.credential == .essc {
            // No card to take: straight back to the attract screen (a card put in meanwhile is
            // read next, by `admitWaitingCard`).
            endSession(reason.rawValue)
            goIdle()
            return
        }
        let sessionId = session?.id
        if reason != .finished { endSession(reason.rawValue) }
        promptSince = nil
        guard slotReader != nil else {
            endSession(reason.rawValue)
            goIdle()
            return
        }
        phase = .takeCard(TakeCardState(since: now.uptime, reason: reason, sessionId: sessionId))
    }

    mutating func takeCardTick(_ state: TakeCardState) {
        var state = state
        let waited = now.uptime - state.since
        if waited >= settings.timeouts.takeCardReminderSeconds && state.level < .loud {
            state.level = .loud
            endSession("card-not-taken")
            emit(.alert(.loud))
        }
        if waited >= settings.timeouts.cardLeftSeconds && !state.notified, let sessionId = state.sessionId {
            state.level = .staff
            state.notified = true
            emit(.alert(.staff))
            emit(.notifyCardLeft(sessionId: sessionId))
            emit(.journal(.cardLeftInSlot(sessionId: sessionId, seconds: Int(waited))))
        }
        phase = .takeCard(state)
    }
}
