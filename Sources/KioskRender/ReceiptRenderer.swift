import KioskCore
import KioskPrint

/// An 80 mm receipt, as long as its content: hall, title, one labelled line per fact (wrapped),
/// the masked holder, a QR of the verification URL where there is one, a footer.
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
        if let url = c.verifyUrl, !url.isEmpty {
            let size = template.qrMm * pointsPerMm
            items.append(.qr(PrintFormat.qrPayload(url), x: (width - size) / 2, y: y, size: size))
            y += size
            try block(texts["verify"] ?? "", TextStyle(size: template.smallSize, align: .center), field: "verify", gap: 4)
        }
        try block(texts["footer"] ?? "", TextStyle(size: template.smallSize, align: .center), field: "footer")
        y += margin

        canvas.setPageSize(width: width, height: y.rounded(.up))
        for item in items { try item.draw(on: canvas) }
        canvas.showPage()
        return RenderedDocument(pdf: try canvas.finish(), pages: 1)
    }
}
