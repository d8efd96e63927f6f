import KioskCore
import KioskPrint

/// An 80 mm receipt, as long as its content: hall, title, one labelled line per fact (wrapped),
/// the masked holder, its verification code as text and QR (and the verification URL's QR where
/// there is one), a footer.
struct ReceiptRenderer {
    let template: PrintTemplates.Receipt
    let texts: [String: String]

    func render(_ c: ReceiptContent) throws(KioskError) -> RenderedDocument {
        let width = template.widthMm * pointsPerMm
        let margin = template.marginMm * pointsPerMm
        let inner = width - 2 * margin
        let label = template.labelWidthMm * pointsPerMm
        let canvas = try PDFCanvas(
            width: width, height: 100, fontFamily: template.font, title: texts["title"] ?? "", createDate: PrintFormat.isoDate(c.time))
        var items: [PageItem] = []
        var y = margin

        func block(_ text: String, _ style: TextStyle, field: String, gap: Double = 2) throws(KioskError) {
            items.append(.text(text, style, x: margin, y: y, width: inner, field: field))
            y += try canvas.measure(text, style, width: inner, field: field) + gap
        }
        func rule() {
            y += 2
            items.append(.line(x1: margin, y1: y, x2: width - margin, y2: y, width: 0.5))
            y += 4
        }

        try block(c.hall, TextStyle(size: template.hallSize, bold: true, align: .center), field: "hall")
        try block(texts["title"] ?? "", TextStyle(size: template.titleSize, bold: true, align: .center), field: "title", gap: 4)
        rule()
        var facts: [(String, String, String)] = [
            ("kiosk", c.kioskId, "kioskId"), ("time", c.time, "time"), ("service", c.service, "service"),
            ("outcome", c.outcome, "outcome"), ("holder", Masking.name(c.holderName), "holder name"),
        ]
        if let ssn = c.holderSSN { facts.append(("ssn", Masking.ssn(ssn), "holder SSN")) }
        facts.append(("transaction", c.transactionNo, "transactionNo"))
        if let code = c.documentCode, !code.isEmpty { facts.append(("code", code, "documentCode")) }
        let body = TextStyle(size: template.bodySize)
        for (key, value, field) in facts {
            let labelText = texts[key] ?? key
            items.append(.text(labelText, body, x: margin, y: y, width: label, field: "label \(key)"))
            items.append(.text(value, body, x: margin + label, y: y, width: inner - label, field: field))
            let h = max(
                try canvas.measure(labelText, body, width: label, field: "label \(key)"),
                try canvas.measure(value, body, width: inner - label, field: field))
            y += h + 2
        }
        rule()
        // The receipt's own code, and the service's verification URL where there is one: side by
        // side (two 30 mm codes fit an 80 mm roll), each with its caption below.
        var codes: [(payload: String, caption: String, field: String)] = []
        if let code = c.documentCode, !code.isEmpty { codes.append((code, texts["codeHint"] ?? "", "codeHint")) }
        if let url = c.verifyUrl, !url.isEmpty { codes.append((PrintFormat.qrPayload(url), texts["verify"] ?? "", "verify")) }
        if !codes.isEmpty {
            let size = template.qrMm * pointsPerMm
            let gap = 4 * pointsPerMm
            let columns = Double(codes.count)
            var x = (width - (size * columns + gap * (columns - 1))) / 2
            let small = TextStyle(size: template.smallSize, align: .center)
            var captionHeight = 0.0
            for code in codes {
                items.append(.qr(code.payload, x: x, y: y, size: size))
                items.append(.text(code.caption, small, x: x - gap / 2, y: y + size + 1, width: size + gap, field: code.field))
                captionHeight = max(captionHeight, try canvas.measure(code.caption, small, width: size + gap, field: code.field))
                x += size + gap
            }
            y += size + 1 + captionHeight + 4
        }
        try block(texts["footer"] ?? "", TextStyle(size: template.smallSize, align: .center), field: "footer")
        y += margin

        canvas.setPageSize(width: width, height: y.rounded(.up))
        for item in items { try item.draw(on: canvas) }
        canvas.showPage()
        return RenderedDocument(pdf: try canvas.finish(), pages: 1)
    }
}
