import Foundation
import KioskCore
import KioskDaemon
import KioskPrint
import KioskRender
import KioskTesting
import Testing

/// The real render child, the built `kiosk-render`, driven the way the
/// daemon drives it: its documents are the in-process renderer's, byte for byte (rendering is
/// deterministic), and its refusals keep their code. Fake children are in KioskDaemonTests.
@Suite(.tags(.integration)) struct RenderChildIntegrationTests {
    static func templates() throws -> PrintTemplates {
        try PrintTemplates.load(directory: Rigs.repo.appendingPathComponent("kiosk-config").path)
    }

    static func child() throws -> ProcessDocumentRenderer {
        ProcessDocumentRenderer(templates: try templates(), executable: Rigs.binDir.appendingPathComponent("kiosk-render").path)
    }

    static func certificate(months: Int, name: String = "张三丰") throws -> CertificateContent {
        try DocumentFixtures.certificate(months: months, name: name)
    }

    @Test func kioskdRendersACertificateInAChild() async throws {
        for months in [3, 120] {
            let content = try Self.certificate(months: months)
            let document = try await Self.child().certificate(content)
            let inProcess = try DocumentRenderer(templates: try Self.templates()).certificate(content)
            #expect(document.pdf.starts(with: Array("%PDF-".utf8)))
            #expect(document.pages == inProcess.pages, "\(months) months")
            #expect(months < 100 ? document.pages == 1 : document.pages > 2)
            #expect(document.pdf == inProcess.pdf, "\(months) months")
        }
    }

    @Test func kioskdRendersAReceiptInAChild() async throws {
        let url = Rigs.repo.appendingPathComponent("kiosk-config/examples/receipt.json")
        let receipt = try JSONDecoder().decode(ReceiptContent.self, from: Data(contentsOf: url))
        let document = try await Self.child().receipt(receipt)
        #expect(document == (try DocumentRenderer(templates: try Self.templates()).receipt(receipt)))
        #expect(document.pages == 1)
    }

    /// A name the fonts cannot draw: the child's refusal reaches the session as in process.
    @Test func aRefusalInTheChildKeepsItsCode() async throws {
        let content = try Self.certificate(months: 3, name: "\u{12000}张")
        let error = await #expect(throws: KioskError.self) { _ = try await Self.child().certificate(content) }
        let inProcess = #expect(throws: KioskError.self) { try DocumentRenderer(templates: try Self.templates()).certificate(content) }
        #expect(error?.code == .invalidInput)
        #expect(error?.description == inProcess?.description)
    }
}
