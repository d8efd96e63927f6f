/// What the session engine asks the runner to do. Every action with a `RequestID` is answered
/// by exactly one result event with that id, or by `.actionFailed(id, …)`.
public enum SessionAction: Sendable, Equatable {
    /// Read the card in `reader` and resolve its subject at the hub; answer `.cardRead` or `.actionFailed`.
    case readCard(RequestID, reader: String, atr: [UInt8])
    /// Resolve a scanned electronic social security card at the hub; answer `.esscResolved`.
    /// The token is a credential: never log it.
    case resolveESSC(RequestID, token: String)
    /// VERIFY the PIN on the card of this session; answer `.pinResult`. Never log the PIN.
    case verifyPIN(RequestID, pin: String)
    /// Ask the hub about a hall worker's one-time code; answer `.staffVerified`. Never log the code.
    case verifyStaff(RequestID, code: String)
    case fetchContributions(RequestID, subjectRef: String, from: String, to: String)
    case fetchPensionPayments(RequestID, subjectRef: String, year: Int)
    case issueCertificate(RequestID, subjectRef: String, months: Int, idempotencyKey: String)
    /// Consent was given on its own screen: create the session, capture, upload, wipe, poll.
    /// The runner hashes the consent text (`consentTextKey` in the kiosk locale) into FaceConsent.
    case startFaceVerification(RequestID, subjectRef: String, consent: FaceConsentRequest)
    case cancelFaceVerification(RequestID)
    /// Render a document the citizen is about to ask for (the certificate, while its preview
    /// shows), so that its print starts from the finished document. Not answered: the `.print`
    /// of the same job uses it, and one never printed is dropped at `.endSession`.
    case prepareDocument(PrintJobRequest)
    /// Render (unless prepared) and print; answer `.printProgress`… then `.printFinished`.
    case print(PrintJobRequest)
    case cancelPrint(RequestID)
    case journal(JournalEntry)
    /// Put the rating in the outbox (exactly once to the hub).
    case recordRating(RatingRecord)
    /// A sound for the card-left reminder, louder each level.
    case alert(ReminderLevel)
    /// The card has been left in the slot too long: tell the hub / staff.
    case notifyCardLeft(sessionId: String)
    /// The session is over and wiped: drop anything held for it (follow-ups, caches).
    case endSession(sessionId: String)
    /// After `.shutdownRequested`: nothing is in flight any more, the daemon may stop.
    case readyToStop
}

public enum ReminderLevel: Int, Sendable, Equatable, Comparable {
    case gentle = 1
    case loud = 2
    case staff = 3

    public static func < (a: ReminderLevel, b: ReminderLevel) -> Bool { a.rawValue < b.rawValue }
}

/// What the citizen agreed to, before the camera starts.
public struct FaceConsentRequest: Sendable, Equatable {
    public var version: String
    /// Locale key of the consent text shown; the runner hashes that text.
    public var consentTextKey: String
    /// RFC 3339 UTC.
    public var acceptedAt: String
    public var purpose: String
    /// The language the citizen read the text in; nil for the kiosk's own.
    public var locale: String?

    public init(version: String, consentTextKey: String, acceptedAt: String, purpose: String = "pension-qualification") {
        self.version = version
        self.consentTextKey = consentTextKey
        self.acceptedAt = acceptedAt
        self.purpose = purpose
    }
}

/// One document to render and print.
public struct PrintJobRequest: Sendable, Equatable {
    public enum Document: Sendable, Equatable {
        case receipt(ReceiptContent)
        case certificate(CertificateContent)
    }

    /// Also the PrintRequestLog id and the CUPS job name.
    public var id: RequestID
    public var sessionId: String
    public var document: Document
    /// The citizen's language for the paper; nil for the kiosk's own.
    public var locale: String?
    /// The hall worker who helped (帮办), for the paper's journal record.
    public var staffRef: String?

    public init(id: RequestID, sessionId: String, document: Document, locale: String? = nil) {
        self.id = id
        self.sessionId = sessionId
        self.document = document
        self.locale = locale
    }

    public var kind: PrintRequest.Kind {
        if case .certificate = document { return .certificate }
        return .receipt
    }

    public var role: PrinterRole { kind == .certificate ? .certificate : .receipt }

    /// A receipt can be printed again; a certificate with a verification code never by the kiosk alone.
    public var safeToRetry: Bool { kind == .receipt }
}

extension SessionAction {
    /// The id the answer will carry, for actions that have one.
    public var requestID: RequestID? {
        switch self {
        case .readCard(let id, _, _), .resolveESSC(let id, _), .verifyPIN(let id, _), .verifyStaff(let id, _),
            .fetchContributions(let id, _, _, _),
            .fetchPensionPayments(let id, _, _),
            .issueCertificate(let id, _, _, _), .startFaceVerification(let id, _, _), .cancelFaceVerification(let id), .cancelPrint(let id):
            return id
        case .print(let job): return job.id
        default: return nil
        }
    }
}
