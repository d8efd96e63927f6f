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
    /// The receipt's verification code (`DocumentCode`), printed as text and as a QR code; set by
    /// the kiosk once the receipt's journal record is written.
    public var documentCode: String?

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
    // The hub's certificate is what gets printed: the same types, not a copy of them.
    public typealias Holder = HubCertificate.Holder
    public typealias Insurance = HubCertificate.Insurance
    public typealias Employer = HubCertificate.Employer
    /// A contribution month; amounts in fen.
    public typealias Row = ContributionRow
    public typealias Certificate = HubCertificate

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

/// Renders documents to PDF (KioskRender's `DocumentRenderer` in process; KioskPrint's
/// `ProcessDocumentRenderer`, kioskd's, in a child process; a fake in tests of logic). Async, because the
/// daemon waits for a child. Throws `invalidInput` when a character cannot be drawn with the
/// installed fonts: a name printed as empty boxes is worse than a clear "print it at the counter".
public protocol DocumentRendering: Sendable {
    func receipt(_ content: ReceiptContent) async throws -> RenderedDocument
    func certificate(_ content: CertificateContent) async throws -> RenderedDocument
}
