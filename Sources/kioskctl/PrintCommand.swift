import ArgumentParser
import Foundation
import KioskCore
import KioskPrint
import KioskRender

/// `kioskctl print render`: a receipt or certificate from a JSON file to a PDF, with the site's
/// templates: for operators checking a template change, and for tests.
struct PrintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print", abstract: "Render documents with the site's templates.", subcommands: [Render.self])

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a receipt or certificate from JSON (see kiosk-config/examples/) to a PDF file.",
            discussion: "Exit status: 0 written; 1 bad data, templates or a character no installed font can draw.")
        enum Kind: String, ExpressibleByArgument { case receipt, certificate }

        @Option(help: "receipt or certificate") var kind: Kind
        @Option(help: "The document's data, JSON (ReceiptContent or CertificateContent).") var data: String
        @Option(help: "Where to write the PDF.") var out: String
        @OptionGroup var options: PrintOptions

        func run() async throws {
            let config = try options.configuration()
            let renderer = DocumentRenderer(templates: try options.templates(config))
            guard let bytes = FileManager.default.contents(atPath: data) else {
                throw PrintExit.fail(KioskError(.invalidInput, "cannot read \(data)"))
            }
            let document: RenderedDocument
            do {
                switch kind {
                case .receipt: document = try renderer.receipt(try JSONDecoder().decode(ReceiptContent.self, from: bytes))
                case .certificate: document = try renderer.certificate(try JSONDecoder().decode(CertificateContent.self, from: bytes))
                }
            } catch let error as KioskError {
                throw PrintExit.fail(error)
            } catch {
                throw PrintExit.fail(KioskError(.invalidInput, "\(data) is not \(kind.rawValue) data: \(error)"))
            }
            guard FileManager.default.createFile(atPath: out, contents: Data(document.pdf)) else {
                throw PrintExit.fail(KioskError(.invalidInput, "cannot write \(out)"))
            }
            print("wrote \(out): \(document.pages) page(s), \(document.pdf.count) bytes")
        }
    }
}
