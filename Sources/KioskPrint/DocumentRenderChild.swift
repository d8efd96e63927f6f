import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kiosk-render`: renders one document in a short-lived child process.
/// cairo, pango, fontconfig and the CJK fonts then live and die with the child, so the daemon's
/// idle memory stays what it was before the first print, and a fault in those libraries ends the
/// child, not the kiosk. The pipe protocol and the parent's side live here; the child's side
/// (`respond`, `run`) is in KioskRender, which kioskd never links:
///
/// - stdin: one JSON `Request`;
/// - stdout: `pdf <pages>\n` and the PDF bytes, exit 0; or `error <code>\n<message>`, exit 1;
/// - arguments: none, or `--warm` and font families to load before reading stdin.
public enum DocumentRenderChild {
    /// The argument that makes a child warm its fonts up before it reads its request.
    public static let warmArgument = "--warm"

    /// One document to render, with the templates it is laid out by (the child reads no files).
    public struct Request: Sendable, Equatable, Codable {
        public var templates: PrintTemplates
        public var receipt: ReceiptContent?
        public var certificate: CertificateContent?

        public init(templates: PrintTemplates, receipt: ReceiptContent? = nil, certificate: CertificateContent? = nil) {
            self.templates = templates
            self.receipt = receipt
            self.certificate = certificate
        }
    }

    /// The child's answer: the bytes for stdout and the exit status.
    public struct Reply: Sendable, Equatable {
        public var bytes: [UInt8]
        public var status: Int32

        public static func document(_ document: RenderedDocument) -> Reply {
            Reply(bytes: Array("pdf \(document.pages)\n".utf8) + document.pdf, status: 0)
        }

        public static func failure(_ error: KioskError) -> Reply {
            // One header line: a message's own newlines stay in the message part.
            Reply(bytes: Array("error \(error.code.rawValue)\n\(error.description)".utf8), status: 1)
        }
    }

    /// The parent side: the document in a child's stdout. Anything but a well-formed `pdf` answer
    /// is `.printer` (see `reportedError(in:)` for a child's own `error` answer).
    public static func parse(reply bytes: [UInt8]) throws(KioskError) -> RenderedDocument {
        let (header, body) = try split(bytes)
        guard header.count == 2, header[0] == "pdf" else {
            throw KioskError(.printer, "the render child answered an unknown header \"\(header.joined(separator: " ").prefix(40))\"")
        }
        guard let pages = Int(header[1]), pages > 0 else {
            throw KioskError(.printer, "the render child answered a bad page count \"\(header[1].prefix(20))\"")
        }
        guard body.starts(with: Array("%PDF-".utf8)) else {
            throw KioskError(.printer, "the render child answered \(body.count) bytes that are not a PDF")
        }
        return RenderedDocument(pdf: Array(body), pages: pages)
    }

    /// The error a child reported with `error <code>\n<message>`, its code kept (a name the fonts
    /// cannot draw stays `invalidInput`, as in process); nil when the answer is not one.
    public static func reportedError(in bytes: [UInt8]) -> KioskError? {
        guard let (header, body) = try? split(bytes), header.count == 2, header[0] == "error" else { return nil }
        let message = String(decoding: body.prefix(4096), as: UTF8.self)
        return KioskError(KioskError.Code(rawValue: header[1]) ?? .printer, message.isEmpty ? "the render child failed" : message)
    }

    private static func split(_ bytes: [UInt8]) throws(KioskError) -> (header: [String], body: ArraySlice<UInt8>) {
        guard let newline = bytes.prefix(64).firstIndex(of: UInt8(ascii: "\n")) else {
            throw KioskError(.printer, "the render child answered no header (\(bytes.count) bytes)")
        }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ", maxSplits: 1).map(String.init)
        return (header, bytes[(newline + 1)...])
    }
}
