import KioskCore

/// The screens with columns: certificate preview, contributions, pension payments.
extension ScreenRenderer {
    /// Fen as yuan with two decimals: 48000 → "480.00".
    static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let v = abs(fen)
        let cents = v % 100
        return "\(sign)\(v / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Cells padded (or cut) to widths, numbers right-aligned, joined by a space.
    static func row(_ cells: [(String, Int, Bool)]) -> String {
        cells.map { text, width, right in
            let w = DisplayWidth.of(text)
            return right && w < width ? String(repeating: " ", count: width - w) + text : DisplayWidth.fit(text, to: width)
        }.joined(separator: " ")
    }

    static func certificatePreview(_ v: CertificatePreview, _ t: LocaleTexts, compact: Bool) -> ScreenBody {
        var lines: [BodyLine] = [
            BodyLine(text: t("cert.no", ["no": v.certificateNo])),
            BodyLine(text: t("cert.holder", ["name": v.holderName, "ssn": v.holderSSN]), style: .emphasis),
            BodyLine(text: t("cert.months", ["months": String(v.months)])),
        ]
        for i in v.insurances where compact {
            let args = [
                "insurance": t("insurance.\(i.insurance)"), "status": t("insuranceStatus.\(i.status)"), "months": String(i.paidMonths),
            ]
            lines.append(BodyLine(text: t("cert.insuranceShort", args)))
        }
        for i in v.insurances where !compact {
            let to = i.to ?? t("cert.present")
            lines.append(
                BodyLine(
                    text: t(
                        "cert.insurance",
                        [
                            "insurance": t("insurance.\(i.insurance)"), "status": t("insuranceStatus.\(i.status)"),
                            "months": String(i.paidMonths), "from": i.from, "to": to,
                        ]),
                    hangingIndent: 2))
        }
        if let employer = v.employers.last, !compact {
            lines.append(BodyLine(text: t("cert.employer", ["employer": employer]), hangingIndent: 2))
        }
        lines.append(BodyLine(text: t("cert.code", ["code": v.verificationCode])))
        lines.append(
            BodyLine(text: t(v.withReceipt ? "cert.withReceipt" : "cert.withoutReceipt"), style: v.withReceipt ? .plain : .warning))
        return ScreenBody(title: t("cert.title"), lines: lines, hint: t("hint.certificate"))
    }

    static func contributions(_ page: TablePage<ContributionLine>, _ t: LocaleTexts, compact: Bool) -> ScreenBody {
        // The employer's share only where there is room for a fifth column.
        func cells(_ month: String, _ insurance: String, _ personal: String, _ employer: String, _ status: String) -> String {
            let employerCell: [(String, Int, Bool)] = compact ? [] : [(employer, 9, true)]
            return row([(month, 7, false), (insurance, 8, false), (personal, 9, true)] + employerCell + [(status, 6, false)])
        }
        var lines: [BodyLine] = [
            BodyLine(
                text: cells(t("col.month"), t("col.insurance"), t("col.personal"), t("col.employer"), t("col.status")), style: .emphasis)
        ]
        for r in page.rows {
            let text = cells(
                r.month, t("insurance.\(r.insurance)"), yuan(r.personalAmount), yuan(r.employerAmount), t("rowStatus.\(r.status)"))
            lines.append(BodyLine(text: text, style: r.status == "owed" ? .warning : .plain))
        }
        if page.rows.isEmpty { lines.append(BodyLine(text: t("table.empty"))) }
        lines.append(BodyLine(text: pageText(page, t), style: .dim))
        return ScreenBody(
            title: t("service.contribution-history"), lines: lines, hint: t(page.canPrint ? "hint.tablePrint" : "hint.table"), dense: true)
    }

    static func pensionYears(_ years: [Int], _ t: LocaleTexts) -> ScreenBody {
        var lines: [BodyLine] = [BodyLine(text: t("pension.chooseYear")), .blank]
        for (i, year) in years.enumerated() {
            let label =
                i == 0
                ? t("pension.thisYear", ["year": String(year)])
                : (i == 1 ? t("pension.lastYear", ["year": String(year)]) : t("pension.year", ["year": String(year)]))
            lines.append(BodyLine(text: "\(i + 1)  \(label)", style: .emphasis))
        }
        return ScreenBody(title: t("service.pension-payments"), lines: lines, hint: t("hint.back"))
    }

    static func pensionPayments(_ year: Int, _ page: TablePage<PensionLine>, _ t: LocaleTexts) -> ScreenBody {
        var lines: [BodyLine] = [
            BodyLine(text: t("pension.yearHeading", ["year": String(year)])),
            BodyLine(text: row([(t("col.month"), 7, false), (t("col.amount"), 9, true), (t("col.paidOn"), 10, false)]), style: .emphasis),
        ]
        for r in page.rows { lines.append(BodyLine(text: row([(r.month, 7, false), (yuan(r.amount), 9, true), (r.paidOn, 10, false)]))) }
        if page.rows.isEmpty { lines.append(BodyLine(text: t("table.empty"))) }
        lines.append(BodyLine(text: pageText(page, t), style: .dim))
        return ScreenBody(
            title: t("service.pension-payments"), lines: lines, hint: t(page.canPrint ? "hint.tablePrint" : "hint.table"), dense: true)
    }

    private static func pageText(_ page: TablePage<some Sendable & Equatable>, _ t: LocaleTexts) -> String {
        t("table.page", ["page": String(page.page + 1), "pages": String(page.pageCount), "total": String(page.totalRows)])
    }
}
