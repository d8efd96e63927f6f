import KioskCore

/// The contents of a technician's test page (`kioskctl diag --test-page`): the texts from the
/// locale, the rest placeholders. Plain data, so the daemon can ask for a test page without
/// linking the renderer (the render child draws it).
extension PrintTemplates {
    /// A receipt for a technician's test page: the texts from the locale, the rest placeholders.
    public func testReceipt(hall: String, kioskId: String, time: String) -> ReceiptContent {
        let t = texts.testPage
        return ReceiptContent(
            hall: hall, kioskId: kioskId, time: time, service: t["service"] ?? "test", outcome: t["outcome"] ?? "ok",
            holderName: t["holder"] ?? "test", holderSSN: nil, transactionNo: t["transaction"] ?? "TEST-PAGE",
            verifyUrl: "https://example.invalid/kiosk/\(kioskId)/test-page")
    }

    /// A one-page certificate for a technician's test page, every table with one row.
    public func testCertificate(hall: String, kioskId: String, time: String) -> CertificateContent {
        let t = texts.testPage
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
