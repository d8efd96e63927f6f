/// The citizen's session as a pure state machine: events in, actions out, and `screen` derived
/// from the state at any moment. No I/O, no clock of its own (the runner passes `SessionTime`),
/// no ids of its own (`SessionSettings.makeID`), so every transition is tested without devices.
///
/// Flow: attract → card inserted → reading → menu (→ PIN when a service needs it) → service →
/// result / print → rating → take card → attract. A pulled card ends the session at any point;
/// every session end wipes the card and forgets the subject.
public struct SessionMachine: Sendable {
    public let settings: SessionSettings
    public let catalog: ServiceCatalog
    /// The guides in the kiosk's locale, and in each other locale it offers.
    let ownGuides: [ServiceGuide]
    let localizedGuides: [String: [ServiceGuide]]
    /// The locale this citizen chose with the language key; nil for the kiosk's own. It lasts
    /// until they are gone (their session over and the attract screen back, or the attract
    /// screen left alone), then the kiosk's returns.
    var language: String?
    /// Set when a session ends: its "take your card" screens stay in the citizen's language, the
    /// attract screen after them is the kiosk's.
    var languageEndsAtIdle = false
    public internal(set) var health = DeviceHealth()
    /// Operations switched the kiosk out of service: no new sessions.
    public internal(set) var maintenance = false

    var phase: Phase = .idle
    var session: SessionData?
    /// The reader whose slot holds a card now (with or without a session), and the card's ATR
    /// (a card put in during an electronic card's session is read once that session ends).
    var slotReader: String?
    var slotATR: [UInt8]?
    /// That card came during an electronic card's session and waits to be read.
    var cardWaiting = false
    /// Until when an unreadable scan is not journalled again (a scanner sending noise).
    var unreadableQuietUntil = -Double.infinity
    /// A message over the hint line for a few seconds (a code scanned while someone is served).
    var notice: ScreenNotice?
    var now: SessionTime
    var lastInput: Double
    /// When the "continue?" prompt appeared.
    var promptSince: Double?
    /// When the card's read began (its deadline's clock: key presses do not move it).
    var readingSince: Double = 0
    /// How long a read may take: its card answers plus the hub's slowest subject lookup (three
    /// 5 s attempts and two Retry-After waits of up to 10 s), with room to spare.
    public static let readDeadlineSeconds: Double = 60
    /// Actions waiting for their answer. Prints outlive the session that started them.
    var pending: [RequestID: Pending] = [:]
    /// The 帮办 sequence on the menu: how many `0`s in a row, the last one when.
    var staffZeros = 0
    var lastStaffZero = -Double.infinity
    /// Refused worker codes in a row, and until when three of them lock the sequence (uptime).
    var staffFailures = 0
    var staffLockedUntil: Double?
    var stopRequested = false
    var stopAnnounced = false
    var out: [SessionAction] = []

    public init(
        settings: SessionSettings, catalog: ServiceCatalog, guides: [ServiceGuide] = [],
        localizedGuides: [String: [ServiceGuide]] = [:], now: SessionTime
    ) {
        self.settings = settings
        self.catalog = catalog
        self.ownGuides = guides.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
        self.localizedGuides = localizedGuides.mapValues { $0.sorted { ($0.order, $0.id) < ($1.order, $1.id) } }
        self.now = now
        self.lastInput = now.uptime
    }

    /// The guides in this citizen's language.
    public var guides: [ServiceGuide] { language.flatMap { localizedGuides[$0] } ?? ownGuides }

    /// The receipt texts in this citizen's language.
    var receiptTexts: [String: String] { language.flatMap { settings.localizedReceiptTexts[$0] } ?? settings.receiptTexts }

    /// The locale the language key switches to from the current one; nil when there is one.
    var nextLocale: String? {
        let offered = settings.locales
        guard offered.count > 1 else { return nil }
        let current = language ?? offered[0]
        let index = offered.firstIndex(of: current) ?? 0
        return offered[(index + 1) % offered.count]
    }

    /// The language key: the next locale, or the kiosk's own again when that is next.
    mutating func switchLanguage() {
        guard let next = nextLocale else { return }
        language = next == settings.locales.first ? nil : next
    }

    /// True while any personal field of a citizen is held in memory.
    public var holdsPersonalData: Bool { session != nil }

    /// True between citizens: the attract screen, no card in the slot, nothing in flight. Only
    /// then may the daemon swap its configuration (a citizen never sees a menu change under them).
    public var isIdle: Bool {
        guard case .idle = phase else { return false }
        return session == nil && slotReader == nil && pending.isEmpty
    }

    /// True once `.shutdownRequested` arrived and nothing is in flight any more (also announced
    /// once as `.readyToStop`).
    public var isReadyToStop: Bool { stopAnnounced }

    public mutating func handle(_ event: SessionEvent, at now: SessionTime) -> [SessionAction] {
        self.now = now
        out = []
        switch event {
        case .card(let cardEvent): onCard(cardEvent)
        case .cardRead(let id, let card, let subject): onCardRead(id, card, subject)
        case .esscResolved(let id, let subject): onESSCResolved(id, subject)
        case .scan(let scanEvent): onScan(scanEvent)
        case .pinResult(let id, let result): onPINResult(id, result)
        case .staffVerified(let id, let staff): onStaffVerified(id, staff)
        case .contributions(let id, let rows): onContributions(id, rows)
        case .pensionPayments(let id, let rows): onPensionPayments(id, rows)
        case .certificate(let id, let certificate): onCertificate(id, certificate)
        case .faceProgress(let id, let stage): onFaceProgress(id, stage)
        case .faceOutcome(let id, let outcome): onFaceOutcome(id, outcome)
        case .printProgress(let id, let progress): onPrintProgress(id, progress)
        case .printFinished(let id, let status): onPrintFinished(id, status)
        case .actionFailed(let id, let failure): onActionFailed(id, failure)
        case .printerStatus(let role, let snapshot): health.printers[role] = snapshot
        case .hubStatus(let status): health.hub = status
        case .cameraStatus(let present): health.cameraPresent = present
        case .key(let key): onKey(key)
        case .tick: onTick()
        case .maintenance(let on): maintenance = on
        case .shutdownRequested: stopRequested = true
        }
        admitWaitingCard()
        checkStop()
        defer { out = [] }
        return out
    }

    // MARK: - Helpers shared by the extensions

    mutating func emit(_ action: SessionAction) { out.append(action) }

    mutating func newRequest(_ kind: Pending) -> RequestID {
        let id = RequestID(rawValue: settings.makeID())
        pending[id] = kind
        return id
    }

    /// Takes the answer's pending entry; nil for a stale or unknown answer, which is dropped.
    mutating func take(_ id: RequestID) -> Pending? { pending.removeValue(forKey: id) }

    mutating func journal(_ kind: JournalKind, display: [String: String] = [:], payload: [String: JournalValue] = [:]) {
        var payload = payload
        // 帮办: every record of an assisted session names the worker.
        if let staff = session?.staff { payload["staffRef"] = .string(staff.staffRef) }
        emit(
            .journal(
                JournalEntry(
                    kind: kind, sessionId: session?.id, subjectRef: session?.subject?.subjectRef, display: display, payload: payload)))
    }

    /// Ends the session: journal, wipe the card, forget the subject and everything shown, tell
    /// the runner. Prints already sent stay pending: the paper comes out anyway and its outcome
    /// is journalled.
    mutating func endSession(_ reason: String) {
        guard var ending = session else { return }
        journal(.sessionEnd, payload: ["reason": .string(reason)])
        for (id, kind) in pending {
            switch kind {
            case .face: emit(.cancelFaceVerification(id)); pending[id] = nil
            case .print: break
            default: pending[id] = nil
            }
        }
        ending.wipe()
        session = nil
        promptSince = nil
        notice = nil
        languageEndsAtIdle = true
        emit(.endSession(sessionId: ending.id))
    }

    /// Back to the attract screen, or the out-of-service / stopping one.
    mutating func goIdle() {
        phase = .idle
        promptSince = nil
        lastInput = now.uptime
        // A card waiting to be read belongs to the same citizen: their language stays for it.
        if languageEndsAtIdle, session == nil, !cardWaiting {
            language = nil
            languageEndsAtIdle = false
        }
    }

    mutating func checkStop() {
        guard stopRequested, !stopAnnounced else { return }
        let sessionBusy = pending.values.contains { !$0.isPrint } || phase.isPrinting
        if session != nil && !sessionBusy {
            endSession("shutdown")
            phase = slotReader != nil ? .takeCard(TakeCardState(since: now.uptime, reason: .shutdown)) : .idle
        }
        if session == nil && pending.isEmpty {
            stopAnnounced = true
            emit(.readyToStop)
        }
    }
}

/// What an action id waits for.
enum Pending: Sendable, Equatable {
    case cardRead
    case esscResolve
    case pin(ServiceID)
    case hub(ServiceID)
    case face
    /// `paper`: what names the document in its record (a certificate's numbers), kept with the
    /// request because the paper may come out after its session ended.
    case print(PrintRequest.Kind, sessionId: String, staffRef: String? = nil, paper: [String: JournalValue] = [:])
    case staff

    var isPrint: Bool {
        if case .print = self { return true }
        return false
    }
}

/// The personal data one session holds, and only while it lasts.
struct SessionData: Sendable {
    var id: String
    /// The card in the slot, or the electronic card's QR code.
    var credential: Credential = .card
    var card: SocialSecurityCard?
    var subject: HubSubject?
    var pinVerified = false
    var pinBlocked = false
    /// The service running now and its transaction id (rating key, idempotency key).
    var service: ServiceID?
    var transactionId: String?
    var certificate: HubCertificate?
    /// The certificate's print job, made when its preview showed and rendered meanwhile.
    var certificateJob: PrintJobRequest?
    var faceOutcome: FaceVerificationOutcome?
    var pensionYear: Int?
    /// This citizen's pace: the idle timeouts are multiplied by it. 1.5 from the start for a
    /// citizen of 65 or more; ×1.5 each time they answer "继续办理？", at most 3.
    var pace = 1.0
    /// The hall worker helping this citizen (帮办), once the hub verified their code.
    var staff: StaffAssistant?

    /// Overwrites the card and drops every string that named the citizen.
    mutating func wipe() {
        card?.wipe()
        card = nil
        subject = nil
        certificate = nil
        certificateJob = nil
        faceOutcome = nil
        staff = nil
    }

    /// The holder as screens and receipts show it: the hub's name, else the card's, masked here
    /// either way (masking is idempotent): a hub that sends a full name must not put it on screen.
    var holderMasked: String { subject.map { Masking.name($0.displayName) } ?? card?.nameMasked ?? "" }
}
