import KioskCore

/// Receipts and certificates as PDF, laid out by the kiosk-config templates. Same input, same
/// bytes: nothing reads the clock (the PDF's creation date is the document's own print time).
public struct DocumentRenderer: DocumentRendering {
    public let templates: PrintTemplates

    public init(templates: PrintTemplates) {
        self.templates = templates
    }

    public func receipt(_ content: ReceiptContent) throws -> RenderedDocument {
        try KioskError.during("rendering a receipt") {
            try ReceiptRenderer(template: templates.receipt, texts: templates.texts.receipt).render(content)
        }
    }

    public func certificate(_ content: CertificateContent) throws -> RenderedDocument {
        try KioskError.during("rendering a certificate") {
            try CertificateRenderer(template: templates.certificate, texts: templates.texts).render(content)
        }
    }

    /// A receipt for a technician's test page: the texts from the locale, the rest placeholders.
    public func testReceipt(hall: String, kioskId: String, time: String) -> ReceiptContent {
        let t = templates.texts.testPage
        return ReceiptContent(
            hall: hall, kioskId: kioskId, time: time, service: t["service"] ?? "test", outcome: t["outcome"] ?? "ok",
            holderName: t["holder"] ?? "test", holderSSN: nil, transactionNo: t["transaction"] ?? "TEST-PAGE",
            verifyUrl: "https://example.invalid/kiosk/\(kioskId)/test-page")
    }

    /// A one-page certificate for a technician's test page, every table with one row.
    public func testCertificate(hall: String, kioskId: String, time: String) -> CertificateContent {
        let t = templates.texts.testPage
        let holder = t["holder"] ?? "test"
        let month = String(time.prefix(7))
        let certificate = CertificateContent.Certificate(
            certificateNo: t["transaction"] ?? "TEST-PAGE", kind: "participation", months: 1,
            holder: .init(name: holder, ssn: "000000000000000000"),
            insurances: [.init(insurance: "pension", status: "participating", paidMonths: 1, from: month, to: nil)],
            employers: [.init(employer: t["service"] ?? "test", from: month, to: nil)],
            rows: [
                .init(
                    month: month, insurance: "pension", base: 100_000, personalAmount: 8_000, employerAmount: 16_000, employer: holder,
                    status: "paid")
            ],
            verificationCode: "TEST", verifyUrl: "https://example.invalid/kiosk/\(kioskId)/test-page", issuedAt: time)
        return CertificateContent(certificate: certificate, hall: hall, kioskId: kioskId, printedAt: time)
    }
}

/// One thing drawn on a page, placed by a renderer's layout pass before anything is drawn (a
/// receipt's length and a certificate's page count are known only after layout).
enum PageItem {
    case text(String, TextStyle, x: Double, y: Double, width: Double, field: String)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double)
    case qr(String, x: Double, y: Double, size: Double)

    func draw(on canvas: PDFCanvas) throws(KioskError) {
        switch self {
        case .text(let text, let style, let x, let y, let width, let field):
            try canvas.text(text, style, x: x, y: y, width: width, field: field)
        case .line(let x1, let y1, let x2, let y2, let width):
            canvas.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width)
        case .qr(let payload, let x, let y, let size):
            try canvas.qr(payload, x: x, y: y, size: size)
        }
    }
}

/// PDF points per millimetre.
let pointsPerMm = 72.0 / 25.4
