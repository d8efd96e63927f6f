/// Everything the session engine reacts to. The runner (kioskd) turns device callbacks, hub
/// answers, key presses and a one-second tick into these, in order, on one task.
public enum SessionEvent: Sendable, Equatable {
    /// From the card monitor, unfiltered: the machine follows the card in its session's reader.
    case card(CardEvent)
    /// Answer to `.readCard`: the card, and the hub's subject when the hub resolved it (nil when
    /// the hub could not be asked; hub services are then shown unavailable).
    case cardRead(RequestID, SocialSecurityCard, HubSubject?)
    /// Answer to `.resolveESSC`: the hub's subject for a scanned electronic social security card.
    case esscResolved(RequestID, HubSubject)
    /// From the 2D scanner: a code, an unreadable scan, the scanner plugged or unplugged.
    case scan(ScanEvent)
    case pinResult(RequestID, PINResult)
    case staffVerified(RequestID, StaffAssistant)
    case contributions(RequestID, [ContributionRow])
    case pensionPayments(RequestID, [PensionPayment])
    case certificate(RequestID, HubCertificate)
    case faceProgress(RequestID, FaceStage)
    case faceOutcome(RequestID, FaceVerificationOutcome)
    case printProgress(RequestID, PrintJobProgress)
    /// The job's final state (completed, cancelled, aborted).
    case printFinished(RequestID, PrintJobStatus)
    /// Any action with an id failed before it produced its result.
    case actionFailed(RequestID, SessionFailure)
    case printerStatus(PrinterRole, PrinterSnapshot)
    case hubStatus(HubStatus)
    case cameraStatus(present: Bool)
    case key(Key)
    /// Once a second (any rate works): timeouts and countdowns advance on it.
    case tick
    /// Operations switched maintenance on or off: the kiosk stops taking cards after the
    /// current session.
    case maintenance(Bool)
    /// SIGTERM: finish the citizen's current step, then `.readyToStop`.
    case shutdownRequested
}

/// Where the face verification is, step by step (the runner's face flow reports each).
public enum FaceStage: String, Sendable, Equatable {
    case sessionCreated = "session-created"
    case capturing
    case uploading
    case waitingForDecision = "waiting-for-decision"
}

/// Why an action failed: a typed kiosk error or the hub's problem+json.
public enum SessionFailure: Sendable, Equatable, CustomStringConvertible {
    case kiosk(KioskError)
    case hub(HubProblem)

    public var description: String {
        switch self {
        case .kiosk(let e): e.description
        case .hub(let p): p.description
        }
    }

    /// A short machine word for the journal.
    public var code: String {
        switch self {
        case .kiosk(let e): e.code.rawValue
        case .hub(let p): p.code
        }
    }
}

/// Ties an answer to the action that asked for it; answers for a session that has ended (card
/// pulled) carry an id the machine no longer waits for and are dropped. For prints it is also
/// the PrintRequestLog id, so it is a UUID string.
public struct RequestID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
