import KioskCore
import KioskPrint

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

extension DocumentRenderer {
    /// What a document's first line costs and a process pays once: fontconfig's configuration and
    /// cache, the font files, pango's shaping of CJK, cairo's PDF machinery and a QR code. A
    /// render child started ahead of its document (`kiosk-render --warm`) pays it while the kiosk
    /// is idle, so the document itself costs what it costs in process.
    public static func warmUp(fontFamilies: [String]) {
        for family in fontFamilies {
            guard let canvas = try? PDFCanvas(width: 200, height: 200, fontFamily: family, title: "warm-up", createDate: nil) else {
                continue
            }
            for style in [TextStyle(size: 10), TextStyle(size: 16, bold: true)] {
                try? canvas.text("社会保险参保证明 凭条 0123456789 ABCxyz：（）", style, x: 10, y: 10, width: 180, field: "warm-up")
            }
            try? canvas.qr("https://kiosk.invalid/warm-up", x: 10, y: 100, size: 60)
            canvas.showPage()
            _ = try? canvas.finish()
        }
    }
}
