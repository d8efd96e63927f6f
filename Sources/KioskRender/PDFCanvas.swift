import CPangoCairo
import CQREncode
import KioskCore
import KioskPrint

// Every C pointer of cairo, pango and libqrencode lives in this file. A canvas is used by one
// renderer call on one thread and dropped: nothing here is shared.

/// How a piece of text looks.
struct TextStyle: Hashable {
    enum Align { case left, center, right }
    var size: Double
    var bold = false
    var align = Align.left
    /// One line, cut with "…" when too wide (table cells); otherwise wrapped.
    var singleLine = false
}

/// A PDF being drawn with cairo, text laid out by pango (CJK from fontconfig's fonts), QR codes
/// from libqrencode. Units are PDF points.
final class PDFCanvas {
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private let sink = Sink()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let family: String
    private var fonts: [TextStyle: OpaquePointer] = [:]
    private(set) var pages = 0

    init(width: Double, height: Double, fontFamily: String, title: String, createDate: String?) throws(KioskError) {
        let write: cairo_write_func_t = { closure, data, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        surface = cairo_pdf_surface_create_for_stream(write, Unmanaged.passUnretained(sink).toOpaque(), width, height)
        cr = cairo_create(surface)
        family = fontFamily
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            throw KioskError(.printer, "cairo could not create a PDF surface")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "kioskd")
        // The document's own time, not the clock's: the same input gives the same file.
        if let createDate { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, createDate) }
    }

    deinit {
        for font in fonts.values { pango_font_description_free(font) }
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Sets the size of the page about to be drawn (a receipt is as long as its content).
    func setPageSize(width: Double, height: Double) {
        cairo_pdf_surface_set_size(surface, width, height)
    }

    private func font(_ style: TextStyle) -> OpaquePointer {
        var key = style
        key.align = .left
        key.singleLine = false
        if let font = fonts[key] { return font }
        let font = pango_font_description_new()!
        pango_font_description_set_family(font, family)
        pango_font_description_set_absolute_size(font, style.size * Double(PANGO_SCALE))
        pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        fonts[key] = font
        return font
    }

    /// A laid-out text; checked for characters no installed font can draw (pango would draw an
    /// empty box, and a citizen's name must never come out as boxes).
    private func layout(_ text: String, _ style: TextStyle, width: Double, field: String) throws(KioskError) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        pango_layout_set_font_description(layout, font(style))
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if style.singleLine { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
        pango_layout_set_alignment(
            layout, style.align == .center ? PANGO_ALIGN_CENTER : style.align == .right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        pango_layout_set_text(layout, text, -1)
        // Private-use code points (GBK's user-defined area on older cards holds rare name
        // characters there) are not counted unknown by pango yet come out as nothing or a box.
        let privateUse = text.unicodeScalars.filter { (0xE000...0xF8FF).contains($0.value) || $0.value >= 0xF0000 }.count
        let unknown = Int(pango_layout_get_unknown_glyphs_count(layout)) + privateUse
        if unknown > 0 {
            g_object_unref(UnsafeMutableRawPointer(layout))
            // The characters themselves stay out of the message: the field may be a citizen's name.
            throw KioskError(
                .invalidInput,
                "\(field): \(unknown) character(s) have no glyph in the installed fonts (asked for \(family)); "
                    + "install fonts-wqy-microhei and fonts-noto-cjk (scripts/setup), or print at the counter")
        }
        return layout
    }

    /// Height of a text laid out in `width`.
    func measure(_ text: String, _ style: TextStyle, width: Double, field: String) throws(KioskError) -> Double {
        let l = try layout(text, style, width: width, field: field)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_size(l, &w, &h)
        return Double(h) / Double(PANGO_SCALE)
    }

    func text(_ text: String, _ style: TextStyle, x: Double, y: Double, width: Double, field: String) throws(KioskError) {
        let l = try layout(text, style, width: width, field: field)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, l)
    }

    func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.6, gray: Double = 0) {
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    /// A QR code of an ASCII payload (scanners guess the charset of other bytes), `size` wide.
    func qr(_ payload: String, x: Double, y: Double, size: Double) throws(KioskError) {
        guard payload.allSatisfy(\.isASCII), !payload.isEmpty else {
            throw KioskError(.invalidInput, "QR payload must be non-empty ASCII (percent-encode it): \(payload)")
        }
        guard let code = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw KioskError(.invalidInput, "libqrencode could not encode a QR code of \(payload.utf8.count) bytes")
        }
        defer { QRcode_free(code) }
        let n = Int(code.pointee.width)
        let module = size / Double(n + 8)  // a quiet zone of 4 modules each side
        cairo_set_source_rgb(cr, 0, 0, 0)
        for row in 0..<n {
            for col in 0..<n where code.pointee.data[row * n + col] & 1 == 1 {
                cairo_rectangle(cr, x + Double(col + 4) * module, y + Double(row + 4) * module, module, module)
            }
        }
        cairo_fill(cr)
    }

    func showPage() {
        cairo_show_page(cr)
        pages += 1
    }

    /// Ends the document and returns the PDF.
    func finish() throws(KioskError) -> [UInt8] {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw KioskError(.printer, "cairo could not write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.bytes
    }
}
