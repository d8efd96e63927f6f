/// What the kiosk screen shows now, without words: the console front looks texts up by key
/// in the locale and lays them out. Personal data appears only masked, and only while a
/// session holds it; `SessionMachine.screen` is derived from the machine's state every time, so
/// a wiped session leaves nothing behind.
public struct Screen: Sendable, Equatable {
    public var content: ScreenContent
    public var status: StatusInfo
    /// Seconds left before the "continue?" prompt; nil when no one is being timed.
    public var countdown: Int?
    /// The "继续办理？按确认键继续" prompt over the content, with its own seconds left.
    public var continuePrompt: Int?
    /// The locale this citizen chose with the language key; nil for the kiosk's own.
    public var locale: String?
    /// The locale the language key switches to now; nil when the kiosk offers one language.
    public var nextLocale: String?
    /// Locale key of a short message over the hint line ("scan.busy"), for a few seconds.
    public var notice: String?

    public init(
        content: ScreenContent, status: StatusInfo, countdown: Int? = nil, continuePrompt: Int? = nil, locale: String? = nil,
        nextLocale: String? = nil
    ) {
        self.content = content
        self.status = status
        self.countdown = countdown
        self.continuePrompt = continuePrompt
        self.locale = locale
        self.nextLocale = nextLocale
    }
}

/// The status line: where, when, and whether the devices are well.
public struct StatusInfo: Sendable, Equatable {
    public var kioskId: String
    public var hall: String
    /// Local wall time "HH:mm".
    public var clock: String
    /// The hall worker helping this citizen (帮办), masked; nil when nobody is.
    public var assistedBy: String?
    public var receiptPrinter: PrinterCondition?
    public var certificatePrinter: PrinterCondition?
    public var hub: HubStatus?
    public var cameraPresent: Bool?
    /// The 2D scanner for the electronic social security card is there: the attract screen
    /// offers it. nil on a kiosk without one.
    public var scannerPresent: Bool?

    public init(
        kioskId: String, hall: String, clock: String, receiptPrinter: PrinterCondition? = nil, certificatePrinter: PrinterCondition? = nil,
        hub: HubStatus? = nil, cameraPresent: Bool? = nil
    ) {
        self.kioskId = kioskId
        self.hall = hall
        self.clock = clock
        self.receiptPrinter = receiptPrinter
        self.certificatePrinter = certificatePrinter
        self.hub = hub
        self.cameraPresent = cameraPresent
    }
}

public enum ScreenContent: Sendable, Equatable {
    /// "请插入社保卡"; `guides`: "按 0 查看服务指南".
    case attract(guides: Bool)
    case outOfService
    case reading
    /// "正在核验电子社保卡": the hub resolves a scanned code.
    case resolvingCode
    /// A scanned code did not start a session.
    case codeRefused(CodeProblem)
    case pinEntry(PINEntryView)
    case pinBlocked
    /// 帮办: the hall worker's one-time code.
    case staffCode(StaffCodeView)
    case menu(MenuView)
    /// Waiting for the hub on behalf of a service.
    case loading(ServiceID)
    case certificatePreview(CertificatePreview)
    case contributions(TablePage<ContributionLine>)
    case pensionYearChoice(years: [Int])
    case pensionPayments(year: Int, page: TablePage<PensionLine>)
    case faceConsent
    case faceProgress(FaceStage?)
    case faceResult(FaceVerificationOutcome)
    case cardStatus(CardStatusView)
    case guideList([String])
    case guide(GuideView)
    case printing(PrintingView)
    case printFailed(PrintFailedView)
    case serviceFailed(ServiceID, SessionProblem)
    case rating(ServiceID)
    case takeCard(TakeCardView)
    case cardRemoved(CardRemovedView)
    /// Shutting down: no new sessions.
    case stopping
}

public enum CardProblem: String, Sendable, Equatable {
    case unreadable
    case notSocialSecurityCard = "not-ssc"
    case rejected
    case expired
    /// The card was taken out while it was read.
    case removedWhileReading = "removed-while-reading"
}

public struct PINEntryView: Sendable, Equatable {
    public var service: ServiceID
    /// How many digits were typed: the screen shows that many `●`, never the digits.
    public var digitsEntered: Int
    public var maxDigits: Int
    /// Set after a wrong PIN.
    public var triesLeft: Int?
    public var checking: Bool

    public init(service: ServiceID, digitsEntered: Int, maxDigits: Int, triesLeft: Int?, checking: Bool) {
        self.service = service
        self.digitsEntered = digitsEntered
        self.maxDigits = maxDigits
        self.triesLeft = triesLeft
        self.checking = checking
    }
}

public struct MenuView: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var number: Int
        public var service: ServiceID
        public var titleKey: String
        public var alternativeKey: String
        public var availability: ServiceAvailability

        public init(number: Int, service: ServiceID, titleKey: String, alternativeKey: String, availability: ServiceAvailability) {
            self.number = number
            self.service = service
            self.titleKey = titleKey
            self.alternativeKey = alternativeKey
            self.availability = availability
        }
    }
    /// The holder as the hub masked it ("张*"), or the card's masked name.
    public var holder: String
    public var items: [Item]

    public init(holder: String, items: [Item]) {
        self.holder = holder
        self.items = items
    }
}

public struct CertificatePreview: Sendable, Equatable {
    public var certificateNo: String
    /// Masked by the hub.
    public var holderName: String
    public var holderSSN: String
    public var months: Int
    public var insurances: [HubCertificate.Insurance]
    public var employers: [String]
    public var verificationCode: String
    /// False when the receipt printer cannot print: the certificate prints alone.
    public var withReceipt: Bool

    public init(
        certificateNo: String, holderName: String, holderSSN: String, months: Int, insurances: [HubCertificate.Insurance],
        employers: [String], verificationCode: String, withReceipt: Bool
    ) {
        self.certificateNo = certificateNo
        self.holderName = holderName
        self.holderSSN = holderSSN
        self.months = months
        self.insurances = insurances
        self.employers = employers
        self.verificationCode = verificationCode
        self.withReceipt = withReceipt
    }
}

public struct TablePage<Row: Sendable & Equatable>: Sendable, Equatable {
    public var rows: [Row]
    /// 0-based.
    public var page: Int
    public var pageCount: Int
    public var totalRows: Int
    /// Offered a receipt ("3 打印回执").
    public var canPrint: Bool

    public init(rows: [Row], page: Int, pageCount: Int, totalRows: Int, canPrint: Bool) {
        self.rows = rows
        self.page = page
        self.pageCount = pageCount
        self.totalRows = totalRows
        self.canPrint = canPrint
    }
}

public struct ContributionLine: Sendable, Equatable {
    public var month: String
    /// Insurance key: pension, medical, …
    public var insurance: String
    public var personalAmount: Int
    public var employerAmount: Int
    /// paid, owed
    public var status: String

    public init(month: String, insurance: String, personalAmount: Int, employerAmount: Int, status: String) {
        self.month = month
        self.insurance = insurance
        self.personalAmount = personalAmount
        self.employerAmount = employerAmount
        self.status = status
    }
}

public struct PensionLine: Sendable, Equatable {
    public var month: String
    public var amount: Int
    public var bankMasked: String
    public var paidOn: String

    public init(month: String, amount: Int, bankMasked: String, paidOn: String) {
        self.month = month
        self.amount = amount
        self.bankMasked = bankMasked
        self.paidOn = paidOn
    }
}

public struct CardStatusView: Sendable, Equatable {
    /// active, suspended, lost, cancelled (from the hub), or nil when the hub did not answer.
    public var hubStatus: String?
    public var cardNumberMasked: String
    /// YYYY-MM-DD.
    public var expiry: String?
    public var expired: Bool
    /// Expires within 90 days.
    public var expiresSoon: Bool

    public init(hubStatus: String?, cardNumberMasked: String, expiry: String?, expired: Bool, expiresSoon: Bool) {
        self.hubStatus = hubStatus
        self.cardNumberMasked = cardNumberMasked
        self.expiry = expiry
        self.expired = expired
        self.expiresSoon = expiresSoon
    }
}

public struct GuideView: Sendable, Equatable {
    public var title: String
    public var section: ServiceGuide.Section
    public var sectionIndex: Int
    public var sectionCount: Int
    public var items: [String]

    public init(title: String, section: ServiceGuide.Section, sectionIndex: Int, sectionCount: Int, items: [String]) {
        self.title = title
        self.section = section
        self.sectionIndex = sectionIndex
        self.sectionCount = sectionCount
        self.items = items
    }
}

public struct PrintingView: Sendable, Equatable {
    public var kind: PrintRequest.Kind
    /// 1-based number of this document, and how many documents.
    public var document: Int
    public var documents: Int
    public var state: PrintJobState?
    /// The printer holds the job: what is wrong with it.
    public var heldBy: PrinterCondition?
    public var cancelling: Bool

    public init(kind: PrintRequest.Kind, document: Int, documents: Int, state: PrintJobState?, heldBy: PrinterCondition?, cancelling: Bool)
    {
        self.kind = kind
        self.document = document
        self.documents = documents
        self.state = state
        self.heldBy = heldBy
        self.cancelling = cancelling
    }
}

public struct PrintFailedView: Sendable, Equatable {
    public var kind: PrintRequest.Kind
    /// The certificate number for the counter to print it again, when there is one.
    public var certificateNo: String?
    public var cancelled: Bool
    /// cupsd went away holding the job: the paper may have come out all the same.
    public var mayHavePrinted: Bool

    public init(kind: PrintRequest.Kind, certificateNo: String?, cancelled: Bool, mayHavePrinted: Bool = false) {
        self.kind = kind
        self.certificateNo = certificateNo
        self.cancelled = cancelled
        self.mayHavePrinted = mayHavePrinted
    }
}

/// What went wrong with a service, as the citizen is told.
public enum SessionProblem: Sendable, Equatable {
    case hubUnavailable
    case hubRefused(code: String)
    case printerUnavailable(PrinterRole)
    case faceFailed(String)
    case other(String)
}

public struct TakeCardView: Sendable, Equatable {
    public var reason: TakeCardReason
    /// Why the card could not be used, when that is the reason.
    public var problem: CardProblem?
    public var level: ReminderLevel
    /// "按确认键继续办理其他业务": only while the session is still open.
    public var canContinue: Bool

    public init(reason: TakeCardReason, problem: CardProblem?, level: ReminderLevel, canContinue: Bool) {
        self.reason = reason
        self.problem = problem
        self.level = level
        self.canContinue = canContinue
    }
}

public enum TakeCardReason: String, Sendable, Equatable {
    case finished
    case timedOut = "timed-out"
    case cardProblem = "card-problem"
    case maintenance
    case shutdown
}

public struct CardRemovedView: Sendable, Equatable {
    /// A print was still running when the card was pulled: it goes on; take the paper.
    public var printInProgress: PrintRequest.Kind?
    /// A print was held by a printer fault: go to the counter.
    public var printHeld: Bool
    /// The service had not finished.
    public var interrupted: Bool

    public init(printInProgress: PrintRequest.Kind?, printHeld: Bool, interrupted: Bool) {
        self.printInProgress = printInProgress
        self.printHeld = printHeld
        self.interrupted = interrupted
    }
}
