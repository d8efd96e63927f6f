/// What goes on paper, as plain values. Field names follow the hub contract
/// (POST /v1/subjects/{subjectRef}/certificates), so a hub answer decodes straight into
/// `CertificateContent.Certificate`. Texts and layout come from kiosk-config, not from here.

/// A receipt for one service.
public struct ReceiptContent: Sendable, Equatable, Codable {
    public var hall: String
    public var kioskId: String
    /// When the service happened, as printed (local time, e.g. "2026-11-22 10:30:05").
    public var time: String
    /// The service's name, already in the citizen's language.
    public var service: String
    /// Its outcome, already in the citizen's language.
    public var outcome: String
    /// The holder's name and social security number; masked when printed (masking is idempotent,
    /// so values the hub already masked print unchanged).
    public var holderName: String
    public var holderSSN: String?
    public var transactionNo: String
    /// A URL to verify the service online, encoded into a QR code when present.
    public var verifyUrl: String?

    public init(
        hall: String, kioskId: String, time: String, service: String, outcome: String, holderName: String, holderSSN: String?,
        transactionNo: String, verifyUrl: String?
    ) {
        self.hall = hall
        self.kioskId = kioskId
        self.time = time
        self.service = service
        self.outcome = outcome
        self.holderName = holderName
        self.holderSSN = holderSSN
        self.transactionNo = transactionNo
        self.verifyUrl = verifyUrl
    }
}

/// A participation certificate (参保证明): the hub's certificate plus where and when it is printed.
public struct CertificateContent: Sendable, Equatable, Codable {
    public struct Holder: Sendable, Equatable, Codable {
        public var name: String
        public var ssn: String
        public init(name: String, ssn: String) {
            self.name = name
            self.ssn = ssn
        }
    }

    public struct Insurance: Sendable, Equatable, Codable {
        /// pension, medical, unemployment, work-injury, maternity
        public var insurance: String
        /// participating, suspended, terminated
        public var status: String
        public var paidMonths: Int
        public var from: String
        public var to: String?
        public init(insurance: String, status: String, paidMonths: Int, from: String, to: String?) {
            self.insurance = insurance
            self.status = status
            self.paidMonths = paidMonths
            self.from = from
            self.to = to
        }
    }

    public struct Employer: Sendable, Equatable, Codable {
        public var employer: String
        public var from: String
        public var to: String?
        public init(employer: String, from: String, to: String?) {
            self.employer = employer
            self.from = from
            self.to = to
        }
    }

    /// A contribution month; amounts in fen.
    public struct Row: Sendable, Equatable, Codable {
        public var month: String
        public var insurance: String
        public var base: Int
        public var personalAmount: Int
        public var employerAmount: Int
        public var employer: String
        /// paid, owed
        public var status: String
        public init(month: String, insurance: String, base: Int, personalAmount: Int, employerAmount: Int, employer: String, status: String)
        {
            self.month = month
            self.insurance = insurance
            self.base = base
            self.personalAmount = personalAmount
            self.employerAmount = employerAmount
            self.employer = employer
            self.status = status
        }
    }

    public struct Certificate: Sendable, Equatable, Codable {
        public var certificateNo: String
        public var kind: String
        public var months: Int
        public var holder: Holder
        public var insurances: [Insurance]
        public var employers: [Employer]
        public var rows: [Row]
        public var verificationCode: String
        public var verifyUrl: String
        public var issuedAt: String
        public init(
            certificateNo: String, kind: String, months: Int, holder: Holder, insurances: [Insurance], employers: [Employer], rows: [Row],
            verificationCode: String, verifyUrl: String, issuedAt: String
        ) {
            self.certificateNo = certificateNo
            self.kind = kind
            self.months = months
            self.holder = holder
            self.insurances = insurances
            self.employers = employers
            self.rows = rows
            self.verificationCode = verificationCode
            self.verifyUrl = verifyUrl
            self.issuedAt = issuedAt
        }
    }

    public var certificate: Certificate
    public var hall: String
    public var kioskId: String
    /// Print time as printed (local time); also the PDF's creation date, so equal input gives an
    /// equal file.
    public var printedAt: String

    public init(certificate: Certificate, hall: String, kioskId: String, printedAt: String) {
        self.certificate = certificate
        self.hall = hall
        self.kioskId = kioskId
        self.printedAt = printedAt
    }
}

/// A rendered document: PDF bytes and page count.
public struct RenderedDocument: Sendable, Equatable {
    public var pdf: [UInt8]
    public var pages: Int
    public init(pdf: [UInt8], pages: Int) {
        self.pdf = pdf
        self.pages = pages
    }
}

/// Renders documents to PDF (KioskPrint's `DocumentRenderer`; a fake in tests of logic).
/// Throws `invalidInput` when a character cannot be drawn with the installed fonts: a name
/// printed as empty boxes is worse than a clear "print it at the counter".
public protocol DocumentRendering: Sendable {
    func receipt(_ content: ReceiptContent) throws -> RenderedDocument
    func certificate(_ content: CertificateContent) throws -> RenderedDocument
}
