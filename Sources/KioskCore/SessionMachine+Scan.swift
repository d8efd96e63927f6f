/// The electronic social security card (电子社保卡): a QR code scanned at the attract screen
/// starts a session like a card does, without a card in the slot. The hub resolves the token;
/// the menu offers what the catalog allows such a credential (never a service that needs the
/// card's PIN); the session ends on Back or a timeout, with no take-card step.
extension SessionMachine {
    mutating func onScan(_ event: ScanEvent) {
        switch event {
        case .connected:
            health.scannerPresent = true
        case .disconnected:
            health.scannerPresent = false
        case .unreadable(let bytes):
            scanRefused(.unreadable, bytes: bytes)
        case .code(let text):
            guard ScanEvent.isToken(text) else {
                scanRefused(.unreadable, bytes: text.utf8.count)
                return
            }
            scanned(text)
        }
    }

    /// A session may start from a scan only where a card insertion would start one: nobody
    /// being served, no card in the slot.
    private var takesScan: Bool {
        guard session == nil, slotReader == nil, !maintenance, !stopRequested else { return false }
        switch phase {
        case .idle, .browsingGuides, .cardRemoved, .codeRefused: return true
        default: return false
        }
    }

    private mutating func scanned(_ token: String) {
        guard takesScan else {
            // A citizen being served (or a card waiting) keeps the kiosk: the code is not taken,
            // and the screen says why for a moment.
            if session != nil || slotReader != nil {
                notice = ScreenNotice(key: "scan.busy", until: now.uptime + settings.timeouts.noticeSeconds)
            }
            journal(.cardRead, payload: scanPayload("ignored-busy"))
            return
        }
        session = SessionData(id: settings.makeID(), credential: .essc)
        journal(.sessionStart, payload: ["credential": .string(Credential.essc.rawValue)])
        let id = newRequest(.esscResolve)
        phase = .resolvingCode(id)
        readingSince = now.uptime
        emit(.resolveESSC(id, token: token))
    }

    /// Outside a session an unreadable scan shows its own screen; inside one, a notice. A
    /// scanner that sends noise keeps the screen up without a journal record per line.
    private mutating func scanRefused(_ problem: CodeProblem, bytes: Int) {
        let until = now.uptime + settings.timeouts.noticeSeconds
        if takesScan {
            phase = .codeRefused(until: until, problem)
        } else if session != nil {
            notice = ScreenNotice(key: "scan.unreadable", until: until)
        }
        guard now.uptime >= unreadableQuietUntil else { return }
        unreadableQuietUntil = until
        var payload = scanPayload(problem.rawValue)
        payload["bytes"] = .int(bytes)
        journal(.cardRead, payload: payload)
    }

    private func scanPayload(_ outcome: String) -> [String: JournalValue] {
        ["credential": .string(Credential.essc.rawValue), "outcome": .string(outcome)]
    }

    mutating func onESSCResolved(_ id: RequestID, _ subject: HubSubject) {
        guard take(id) == .esscResolve, session != nil else { return }
        session?.subject = subject
        paceForAge()
        var display: [String: String] = [:]
        let name = Masking.name(subject.displayName)
        if !name.isEmpty { display["name"] = name }
        var payload = scanPayload("read")
        payload["cardStatus"] = .string(subject.cardStatus)
        journal(.cardRead, display: display, payload: payload)
        phase = .menu
        lastInput = now.uptime
    }

    mutating func onESSCFailed(_ id: RequestID, _ failure: SessionFailure) {
        guard take(id) == .esscResolve, session != nil else { return }
        let problem: CodeProblem
        switch failure {
        case .hub(let p) where p.code == "essc-invalid": problem = .invalid
        case .hub(let p) where p.code == "essc-expired": problem = .expired
        case .hub(let p) where p.retryable || p.status >= 500: problem = .hubUnavailable
        case .hub: problem = .refused
        case .kiosk(let e): problem = [.hubUnavailable, .timeout].contains(e.code) ? .hubUnavailable : .refused
        }
        var payload = scanPayload("failed")
        payload["error"] = .string(failure.code)
        journal(.cardRead, payload: payload)
        endSession("essc-\(problem.rawValue)")
        // Said in the citizen's language: it ends with the notice (goIdle when it expires).
        promptSince = nil
        lastInput = now.uptime
        phase = .codeRefused(until: now.uptime + settings.timeouts.noticeSeconds, problem)
    }

    /// Whether the catalog offers `definition` to a citizen who showed this credential.
    func offered(_ definition: ServiceDefinition, to credential: Credential) -> Bool {
        credential == .card || (definition.essc && !definition.pinRequired)
    }
}

/// A short message over the screen's hint line, for a few seconds.
struct ScreenNotice: Sendable, Equatable {
    var key: String
    var until: Double
}
