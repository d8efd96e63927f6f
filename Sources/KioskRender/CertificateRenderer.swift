import Foundation
import KioskCore
import KioskPrint

/// An A4 participation certificate: title, certificate number and verification code with a QR,
/// the masked holder, then three tables (insurances, employers, contribution months) that break
/// across pages with their heading and header row repeated, and on every page the print time and
/// "第 x 页 / 共 y 页".
struct CertificateRenderer {
    let template: PrintTemplates.Certificate
    let texts: PrintTemplates.Texts

    private var width: Double { template.widthMm * pointsPerMm }
    private var height: Double { template.heightMm * pointsPerMm }
    private var margin: Double { template.marginMm * pointsPerMm }
    private var inner: Double { width - 2 * margin }
    /// Room kept at the bottom of every page for the footer.
    private var footerHeight: Double { template.smallSize * 3 }

    private struct Table {
        var heading: String
        var columns: [PrintTemplates.Column]
        var rows: [[String]]
        var field: String
    }

    func render(_ c: CertificateContent) throws(KioskError) -> RenderedDocument {
        let t = texts.certificate
        let canvas = try PDFCanvas(
            width: width, height: height, fontFamily: template.font, title: t.title, createDate: PrintFormat.isoDate(c.printedAt))
        let cert = c.certificate
        var pages: [[PageItem]] = [[]]
        var y = margin
        let bottom = height - margin - footerHeight

        func put(_ item: PageItem) { pages[pages.count - 1].append(item) }
        func block(_ text: String, _ style: TextStyle, x: Double, w: Double, field: String, gap: Double = 3) throws(KioskError) {
            put(.text(text, style, x: x, y: y, width: w, field: field))
            y += try canvas.measure(text, style, width: w, field: field) + gap
        }
        func newPage() throws(KioskError) {
            pages.append([])
            y = margin
            try block(
                "\(t.title)  \(t.certificateNo)：\(cert.certificateNo)", TextStyle(size: template.smallSize), x: margin, w: inner,
                field: "page header")
            put(.line(x1: margin, y1: y, x2: width - margin, y2: y, width: 0.4))
            y += 6
        }

        // Page one: title, numbers and QR, holder.
        try block(t.title, TextStyle(size: template.titleSize, bold: true, align: .center), x: margin, w: inner, field: "title", gap: 4)
        try block(c.hall, TextStyle(size: template.bodySize, align: .center), x: margin, w: inner, field: "hall", gap: 12)
        let qr = template.qrMm * pointsPerMm
        let top = y
        put(.qr(PrintFormat.qrPayload(cert.verifyUrl), x: width - margin - qr, y: top - 4, size: qr))
        let left = inner - qr - 12
        let body = TextStyle(size: template.bodySize)
        try block("\(t.certificateNo)：\(cert.certificateNo)", body, x: margin, w: left, field: "certificateNo")
        try block(
            "\(t.verificationCode)：\(cert.verificationCode)", TextStyle(size: template.headingSize, bold: true), x: margin, w: left,
            field: "verificationCode")
        try block("\(t.holder)：\(Masking.name(cert.holder.name))", body, x: margin, w: left, field: "holder name")
        try block("\(t.ssn)：\(Masking.ssn(cert.holder.ssn))", body, x: margin, w: left, field: "holder SSN")
        try block("\(t.months)：\(cert.months)", body, x: margin, w: left, field: "months")
        try block(t.verifyNote, TextStyle(size: template.smallSize), x: margin, w: left, field: "verifyNote")
        y = max(y, top - 4 + qr) + 8

        let tables = [
            Table(
                heading: t.insurances, columns: template.insuranceColumns,
                rows: cert.insurances.map { i in
                    template.insuranceColumns.map { col in
                        switch col.key {
                        case "insurance": texts.insurance[i.insurance] ?? i.insurance
                        case "status": texts.insuranceStatus[i.status] ?? i.status
                        case "paidMonths": String(i.paidMonths)
                        case "from": i.from
                        case "to": i.to ?? t.present
                        default: ""
                        }
                    }
                }, field: "insurances"),
            Table(
                heading: t.employers, columns: template.employerColumns,
                rows: cert.employers.map { e in
                    template.employerColumns.map { col in
                        switch col.key {
                        case "employer": e.employer
                        case "from": e.from
                        case "to": e.to ?? t.present
                        default: ""
                        }
                    }
                }, field: "employers"),
            Table(
                heading: t.rows, columns: template.rowColumns,
                rows: cert.rows.map { r in
                    template.rowColumns.map { col in
                        switch col.key {
                        case "month": r.month
                        case "insurance": texts.insurance[r.insurance] ?? r.insurance
                        case "base": PrintFormat.yuan(fen: r.base)
                        case "personalAmount": PrintFormat.yuan(fen: r.personalAmount)
                        case "employerAmount": PrintFormat.yuan(fen: r.employerAmount)
                        case "employer": r.employer
                        case "status": texts.rowStatus[r.status] ?? r.status
                        default: ""
                        }
                    }
                }, field: "contribution rows"),
        ]

        let cell = TextStyle(size: template.tableSize, singleLine: true)
        let heading = TextStyle(size: template.headingSize, bold: true)
        let rowHeight = try canvas.measure("国", cell, width: inner, field: "table") + 4
        let headingHeight = try canvas.measure("国", heading, width: inner, field: "heading") + 4

        for table in tables {
            let total = table.columns.reduce(0) { $0 + $1.width }
            let xs = table.columns.reduce(into: [margin]) { $0.append($0.last! + inner * $1.width / total) }
            func row(_ values: [String], bold: Bool, field: String) {
                for (i, col) in table.columns.enumerated() {
                    var style = cell
                    style.bold = bold
                    style.align = col.align == "right" ? .right : .left
                    put(.text(values[i], style, x: xs[i] + 4, y: y + 2, width: xs[i + 1] - xs[i] - 8, field: field))
                }
                y += rowHeight
                put(.line(x1: margin, y1: y, x2: width - margin, y2: y, width: bold ? 0.6 : 0.25))
            }
            func header(continued: Bool) throws(KioskError) {
                put(.text(table.heading + (continued ? t.continued : ""), heading, x: margin, y: y, width: inner, field: "heading"))
                y += headingHeight
                put(.line(x1: margin, y1: y, x2: width - margin, y2: y, width: 0.6))
                row(table.columns.map { t.columns[$0.key] ?? $0.key }, bold: true, field: "column titles")
            }
            // The heading, the header row and at least one row stay together.
            if y + headingHeight + rowHeight * 2 > bottom { try newPage() }
            try header(continued: false)
            if table.rows.isEmpty {
                row([t.noRows] + Array(repeating: "", count: table.columns.count - 1), bold: false, field: table.field)
            }
            for values in table.rows {
                if y + rowHeight > bottom {
                    try newPage()
                    try header(continued: true)
                }
                row(values, bold: false, field: table.field)
            }
            y += 10
        }

        // Footers, now that the page count is known, then everything is drawn.
        let small = TextStyle(size: template.smallSize)
        let footerY = height - margin - footerHeight + 8
        for (index, items) in pages.enumerated() {
            let pageText = t.page.replacingOccurrences(of: "{page}", with: String(index + 1))
                .replacingOccurrences(of: "{pages}", with: String(pages.count))
            let footer: [PageItem] = [
                .line(x1: margin, y1: footerY - 3, x2: width - margin, y2: footerY - 3, width: 0.4),
                .text(
                    "\(t.printedAt)：\(c.printedAt)    \(t.kiosk)：\(c.kioskId)", small, x: margin, y: footerY, width: inner * 0.7,
                    field: "footer"),
                .text(
                    pageText, TextStyle(size: template.smallSize, align: .right), x: margin + inner * 0.6, y: footerY, width: inner * 0.4,
                    field: "page"),
            ]
            for item in items + footer { try item.draw(on: canvas) }
            canvas.showPage()
        }
        return RenderedDocument(pdf: try canvas.finish(), pages: pages.count)
    }
}
