import Foundation
import KioskCore
import KioskPrint
import KioskRender
import KioskTesting
import Testing

/// Rendering in-process with the repository's kiosk-config templates. Text and pixels are checked
/// by the integration tests (pdftotext, pdftoppm); here: determinism, pages, refusal of glyphs
/// the fonts do not have.
@Suite struct RenderingTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func renderer() throws -> DocumentRenderer {
        DocumentRenderer(templates: try PrintTemplates.load(directory: repo.appendingPathComponent("kiosk-config").path))
    }

    static func example<T: Decodable>(_ type: T.Type, _ name: String) throws -> T { try DocumentFixtures.example(type, name) }

    static func certificate(months: Int, name: String = "张三") throws -> CertificateContent {
        try DocumentFixtures.certificate(months: months, name: name)
    }

    @Test func theSameReceiptGivesTheSameBytes() throws {
        let renderer = try Self.renderer()
        let receipt = try Self.example(ReceiptContent.self, "receipt")
        let a = try renderer.receipt(receipt)
        let b = try renderer.receipt(receipt)
        #expect(a.pdf == b.pdf)
        #expect(a.pages == 1)
        #expect(a.pdf.starts(with: Array("%PDF-".utf8)))
        var other = receipt
        other.transactionNo = "TX-OTHER"
        #expect(try renderer.receipt(other).pdf != a.pdf)
    }

    @Test func aReceiptIsAsLongAsItsContent() throws {
        let renderer = try Self.renderer()
        var receipt = try Self.example(ReceiptContent.self, "receipt")
        let withQR = try renderer.receipt(receipt)
        receipt.verifyUrl = nil
        let withoutQR = try renderer.receipt(receipt)
        #expect(try Self.mediaBox(withQR).height > Self.mediaBox(withoutQR).height + 60)
        #expect(abs(try Self.mediaBox(withQR).width - 80 * 72 / 25.4) < 1)
    }

    /// Every document goes through CUPS's filters and, on a thermal printer, a USB link: the
    /// fonts are subset to the glyphs used (about 1 MB each with Noto's CFF subroutines).
    @Test func documentsAreSmall() throws {
        let renderer = try Self.renderer()
        let receipt = try renderer.receipt(Self.example(ReceiptContent.self, "receipt"))
        let certificate = try renderer.certificate(Self.example(CertificateContent.self, "certificate"))
        #expect(receipt.pdf.count < 100_000, "receipt: \(receipt.pdf.count) bytes")
        #expect(certificate.pdf.count < 150_000, "one-page certificate: \(certificate.pdf.count) bytes")
        let rare = try renderer.certificate(Self.certificate(months: 2, name: "禤𠮷"))
        #expect(rare.pdf.count < 400_000, "a fallback font for rare characters keeps it small too: \(rare.pdf.count) bytes")
    }

    @Test func theSameCertificateGivesTheSameBytes() throws {
        let renderer = try Self.renderer()
        let content = try Self.example(CertificateContent.self, "certificate")
        #expect(try renderer.certificate(content).pdf == renderer.certificate(content).pdf)
    }

    @Test func pagesGrowWithTheRows() throws {
        let renderer = try Self.renderer()
        let one = try renderer.certificate(Self.certificate(months: 5))
        let many = try renderer.certificate(Self.certificate(months: 1400))
        #expect(one.pages == 1)
        #expect(many.pages >= 30, "1400 rows: \(many.pages) pages")
        let box = try Self.mediaBox(one)
        #expect(abs(box.width - 595.3) < 1 && abs(box.height - 841.9) < 1)
    }

    @Test func namesOutsideTheBMPRender() throws {
        let doc = try Self.renderer().certificate(Self.certificate(months: 3, name: "𠮷㛃"))
        #expect(doc.pages == 1)
    }

    /// A character no installed font has (cuneiform 𒀀; a private-use code point, which pango does
    /// not count unknown) first, as masking keeps only the first: a visible failure naming the field,
    /// never a silent empty box, and never
    /// the character itself (it may be a name).
    @Test(arguments: ["\u{12000}张", "\u{E000}张", "\u{10FFFD}张"])
    func aCharacterNoFontHasFailsVisibly(name: String) throws {
        let renderer = try Self.renderer()
        let error = #expect(throws: KioskError.self) {
            _ = try renderer.certificate(Self.certificate(months: 3, name: name))
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("holder name") == true, "\(String(describing: error))")
        #expect(error?.message.contains(name) == false)
    }

    @Test func missingTemplatesAreAConfigurationError() {
        let error = #expect(throws: KioskError.self) { try PrintTemplates.load(directory: "/nonexistent") }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("templates/receipt.json") == true)
    }

    /// The first page's /MediaBox, in points.
    static func mediaBox(_ doc: RenderedDocument) throws -> (width: Double, height: Double) {
        let text = String(decoding: doc.pdf, as: UTF8.self)
        let range = try #require(text.range(of: #"/MediaBox \[ ?0 0 [0-9.]+ [0-9.]+ ?\]"#, options: .regularExpression))
        let numbers = text[range].split(whereSeparator: { " []".contains($0) }).compactMap { Double($0) }
        return (numbers[2], numbers[3])
    }
}
