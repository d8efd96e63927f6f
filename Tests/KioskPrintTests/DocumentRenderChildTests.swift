import Foundation
import KioskCore
import KioskPrint
import KioskRender
import Testing

/// The render child's logic (`kiosk-render`) with in-memory stdin and stdout: what it
/// answers must be what the in-process renderer gives, byte for byte, errors included.
@Suite struct DocumentRenderChildTests {
    static func templates() throws -> PrintTemplates {
        try PrintTemplates.load(directory: RenderingTests.repo.appendingPathComponent("kiosk-config").path)
    }

    static func encode(_ request: DocumentRenderChild.Request) throws -> [UInt8] {
        Array(try JSONEncoder().encode(request))
    }

    @Test func aRequestSurvivesJSON() throws {
        let templates = try Self.templates()
        let receipt = try RenderingTests.example(ReceiptContent.self, "receipt")
        let certificate = try RenderingTests.certificate(months: 14, name: "𠮷㛃")
        for request in [
            DocumentRenderChild.Request(templates: templates, receipt: receipt),
            DocumentRenderChild.Request(templates: templates, certificate: certificate),
        ] {
            let decoded = try JSONDecoder().decode(DocumentRenderChild.Request.self, from: Data(Self.encode(request)))
            #expect(decoded == request)
        }
    }

    @Test func theChildRendersAReceiptAsInProcess() throws {
        let templates = try Self.templates()
        let receipt = try RenderingTests.example(ReceiptContent.self, "receipt")
        let reply = DocumentRenderChild.respond(to: try Self.encode(.init(templates: templates, receipt: receipt)))
        #expect(reply.status == 0)
        #expect(reply.bytes.starts(with: Array("pdf 1\n%PDF-".utf8)))
        let document = try DocumentRenderChild.parse(reply: reply.bytes)
        #expect(document == (try DocumentRenderer(templates: templates).receipt(receipt)))
    }

    @Test func theChildRendersAManyPageCertificateAsInProcess() throws {
        let templates = try Self.templates()
        let certificate = try RenderingTests.certificate(months: 240)
        let reply = DocumentRenderChild.respond(to: try Self.encode(.init(templates: templates, certificate: certificate)))
        #expect(reply.status == 0)
        let document = try DocumentRenderChild.parse(reply: reply.bytes)
        let inProcess = try DocumentRenderer(templates: templates).certificate(certificate)
        #expect(document.pages > 1)
        #expect(document == inProcess)
    }

    /// A name the fonts cannot draw is refused as in process: the same code and message.
    @Test func aRefusalKeepsItsCodeAndMessage() throws {
        let templates = try Self.templates()
        let certificate = try RenderingTests.certificate(months: 3, name: "\u{12000}张")
        let reply = DocumentRenderChild.respond(to: try Self.encode(.init(templates: templates, certificate: certificate)))
        #expect(reply.status == 1)
        let inProcess = #expect(throws: KioskError.self) { try DocumentRenderer(templates: templates).certificate(certificate) }
        let reported = try #require(DocumentRenderChild.reportedError(in: reply.bytes))
        #expect(reported.code == .invalidInput)
        #expect(reported.description == inProcess?.description)
        #expect(throws: KioskError.self) { try DocumentRenderChild.parse(reply: reply.bytes) }
    }

    /// A request kiosk-render cannot read (most likely from a kioskd of another release) is a
    /// printer fault that names the release, not a refusal of what the citizen asked to print.
    @Test func aBadRequestIsAnswered() throws {
        let templates = try Self.templates()
        for input in [Array("{\"templates\": 1".utf8), []] {
            let reply = DocumentRenderChild.respond(to: input)
            #expect(reply.status == 1)
            let reported = DocumentRenderChild.reportedError(in: reply.bytes)
            #expect(reported?.code == .printer)
            #expect(reported?.message.contains("same release as kioskd") == true, "\(String(describing: reported))")
        }
        let neither = DocumentRenderChild.respond(to: try Self.encode(.init(templates: templates)))
        #expect(neither.status == 1)
        #expect(DocumentRenderChild.reportedError(in: neither.bytes)?.code == .invalidInput)
    }

    @Test(arguments: [
        "", "pdf\n%PDF-1.5", "pdf 0\n%PDF-1.5", "pdf two\n%PDF-1.5", "pdf 1\nnot a pdf", "PDF 1\n%PDF-1.5",
        String(repeating: "x", count: 100) + "\n%PDF-1.5",
    ])
    func garbageIsAPrinterError(answer: String) {
        let error = #expect(throws: KioskError.self) { try DocumentRenderChild.parse(reply: Array(answer.utf8)) }
        #expect(error?.code == .printer)
        #expect(DocumentRenderChild.reportedError(in: Array(answer.utf8)) == nil)
    }

    @Test func anUnknownReportedCodeIsAPrinterError() {
        #expect(
            DocumentRenderChild.reportedError(in: Array("error meltdown\nthe cairo surface failed".utf8))
                == KioskError(.printer, "the cairo surface failed"))
        #expect(DocumentRenderChild.reportedError(in: Array("error timeout\n".utf8)) == KioskError(.timeout, "the render child failed"))
    }
}
