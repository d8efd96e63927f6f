/// Where the session is. Phases that show personal data hold it only as long as the session.
enum Phase: Sendable, Equatable {
    case idle
    /// Service guides browsed without a card.
    case browsingGuides(GuideNav)
    case reading(RequestID)
    /// The hub resolves a scanned electronic social security card.
    case resolvingCode(RequestID)
    /// A scanned code did not start a session: said for a few seconds, then the attract screen.
    case codeRefused(until: Double, CodeProblem)
    case menu
    case pin(PINState)
    case pinBlocked
    /// A hall worker types their one-time code (帮办).
    case staffCode(StaffCodeState)
    case loading(ServiceID, RequestID)
    case certificatePreview
    case contributions([ContributionRow], page: Int)
    case pensionYear
    case pensionPayments(year: Int, [PensionPayment], page: Int)
    case faceConsent
    case faceRunning(RequestID, FaceStage?)
    case faceResult
    case cardStatus
    /// Service guides opened from the menu.
    case guides(GuideNav)
    case printing(PrintRun)
    case printFailed(PrintFailedView)
    case serviceFailed(ServiceID, SessionProblem)
    case rating(ServiceID)
    case takeCard(TakeCardState)
    case cardRemoved(until: Double, CardRemovedView)

    /// The citizen is expected to press something: the idle countdown runs.
    var awaitsInput: Bool {
        switch self {
        case .menu, .pinBlocked, .certificatePreview, .contributions, .pensionYear, .pensionPayments, .faceConsent, .faceResult,
            .cardStatus, .guides, .printFailed, .serviceFailed, .rating:
            return true
        case .pin(let state): return state.checking == nil
        case .staffCode(let state): return state.checking == nil
        default: return false
        }
    }

    var isPrinting: Bool {
        if case .printing = self { return true }
        return false
    }
}

struct GuideNav: Sendable, Equatable {
    /// nil: the list of guides.
    var guide: Int?
    var section: Int = 0
}

struct PINState: Sendable, Equatable {
    var service: ServiceID
    /// Typed digits; dropped with the phase.
    var digits: String = ""
    var triesLeft: Int?
    var checking: RequestID?
}

struct PrintRun: Sendable, Equatable {
    var service: ServiceID
    var jobs: [PrintJobRequest]
    var index: Int = 0
    var progress: PrintJobProgress?
    var cancelling = false
    /// When the current job's cancel was last asked for (uptime).
    var cancelAskedAt: Double?
    /// Since when the printer holds the current job (uptime), nil while it prints on.
    var heldSince: Double?
    /// The service outcome word journalled once everything printed.
    var outcome: String

    var current: PrintJobRequest { jobs[index] }
}

struct TakeCardState: Sendable, Equatable {
    var since: Double
    var reason: TakeCardReason
    var problem: CardProblem?
    var level: ReminderLevel = .gentle
    /// The session the card belonged to, for `.notifyCardLeft` after the wipe.
    var sessionId: String?
    var notified = false
}
