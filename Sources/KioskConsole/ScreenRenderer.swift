import KioskCore

/// The pure renderer of every citizen screen: a `Screen`, the locale's texts and a size in,
/// exactly `rows` lines of exactly `columns` display cells out (CJK counted as two, never cut
/// in half). Layout: title bar, body, key hint, status line with the countdown. Works from
/// 40×12 up; on tall screens the body is spaced out, which reads better from a step away.
public struct ScreenRenderer: Sendable {
    public init() {}

    public static let minimumColumns = 40
    public static let minimumRows = 12

    /// - Parameter offer: the language key's offer, in the words of the language it offers
    ///   ("English: press #" on a Chinese screen), shown on the attract screen and the menu.
    public func render(_ screen: Screen, texts: LocaleTexts, columns: Int, rows: Int, offer: String? = nil) -> [String] {
        frame(screen, texts: texts, columns: columns, rows: rows, offer: offer).lines
    }

    public func frame(_ screen: Screen, texts: LocaleTexts, columns: Int, rows: Int, offer: String? = nil) -> ScreenFrame {
        let columns = max(columns, 20)
        let rows = max(rows, 6)
        var body = Self.body(screen, texts, columns: columns, rows: rows)
        if let offer, screen.continuePrompt == nil {
            switch screen.content {
            case .attract, .menu:
                // On the key-hint line, which every size has. The offer must show even where the
                // hint is cut: a citizen who cannot read the hint is the one who needs it.
                let both = body.hint.isEmpty ? offer : body.hint + "  " + offer
                body.hint = DisplayWidth.of(both) < columns ? both : offer + "  " + body.hint
            default: break
            }
        }
        if let seconds = screen.continuePrompt {
            body = ScreenBody(
                title: texts("prompt.title"),
                lines: [
                    .center(texts("prompt.question"), .emphasis), .blank, .center(texts("prompt.confirm"), .emphasis),
                    .center(texts("prompt.seconds", ["seconds": String(seconds)]), .warning),
                ], hint: texts("prompt.hint"), middle: true)
        }
        var lines: [(String, ScreenFrame.Style)] = [(DisplayWidth.center(body.title, in: columns), .title)]
        if rows >= 16 { lines.append((String(repeating: "─", count: columns), .dim)) }
        let room = rows - lines.count - 2
        lines += layout(body, columns: columns, room: room).map { (DisplayWidth.fit($0.0, to: columns), $0.1) }
        if let notice = screen.notice, screen.continuePrompt == nil {
            // Over the hint, for a few seconds: the citizen looks where the keys are explained.
            lines.append((DisplayWidth.fit(" " + texts(notice), to: columns), .warning))
        } else {
            lines.append((DisplayWidth.fit(body.hint.isEmpty ? "" : " " + body.hint, to: columns), .dim))
        }
        lines.append((statusLine(screen, texts, columns: columns), .status))
        return ScreenFrame(lines: lines.map(\.0), styles: lines.map(\.1))
    }

    /// The body wrapped, spaced and placed in `room` rows.
    private func layout(_ body: ScreenBody, columns: Int, room: Int) -> [(String, ScreenFrame.Style)] {
        let margin = columns >= 60 ? 2 : 1
        let width = columns - 2 * margin
        var wrapped: [(String, ScreenFrame.Style)] = []
        var items: [[(String, ScreenFrame.Style)]] = []
        for line in body.lines {
            var item: [(String, ScreenFrame.Style)] = []
            let parts = LineBreaking.wrap(line.text, to: max(1, width - line.hangingIndent))
            for (i, part) in parts.enumerated() {
                let indented = (i > 0 ? String(repeating: " ", count: line.hangingIndent) : "") + part
                let text = line.centered ? DisplayWidth.center(part, in: columns) : String(repeating: " ", count: margin) + indented
                item.append((text, line.style))
            }
            items.append(item)
        }
        // Space items out when there is room for it (tall screens): easier to read.
        let count = items.reduce(0) { $0 + $1.count }
        let spaced = !body.dense && count * 2 - 1 <= room && room >= 20
        for (i, item) in items.enumerated() {
            // A blank line in the body already is a spacer: never double it.
            if spaced && i > 0 && !body.lines[i].text.isEmpty && !body.lines[i - 1].text.isEmpty { wrapped.append(("", .plain)) }
            wrapped += item
        }
        if wrapped.count > room {
            wrapped = Array(wrapped.prefix(max(0, room - 1))) + [(String(repeating: " ", count: margin) + "…", .dim)]
        }
        var top = 0
        if body.middle { top = max(0, (room - wrapped.count) / 2) } else if room > wrapped.count && room >= 20 { top = 1 }
        var out = Array(repeating: ("", ScreenFrame.Style.plain), count: top) + wrapped
        out += Array(repeating: ("", .plain), count: max(0, room - out.count))
        return Array(out.prefix(room))
    }

    /// "10:30 KIOSK-DEMO-0001  凭条 正常 · 证明 缺纸 · 平台 正常        剩余 45 秒": the countdown
    /// always fits (it is what the citizen must see); device health only where there is room.
    private func statusLine(_ screen: Screen, _ texts: LocaleTexts, columns: Int) -> String {
        let s = screen.status
        let right = screen.countdown.map { texts("status.countdown", ["seconds": String($0)]) } ?? ""
        // An assisted citizen sees who helps them where the kiosk's id stands (it is not theirs).
        let left = "\(s.clock) " + (s.assistedBy.map { texts("status.assisted", ["name": $0]) } ?? s.kioskId)
        func printer(_ key: String, _ condition: PrinterCondition?) -> String {
            "\(texts(key)) \(texts("printer.\(condition?.rawValue ?? "unknown")"))"
        }
        let hub = "\(texts("status.hub")) \(texts("hub.\(s.hub?.rawValue ?? "unknown")"))"
        let devices = [printer("status.receipt", s.receiptPrinter), printer("status.certificate", s.certificatePrinter), hub].joined(
            separator: " · ")
        let widthRight = DisplayWidth.of(right)
        var line = " " + left
        if DisplayWidth.of(line) + 2 + DisplayWidth.of(devices) + 2 + widthRight <= columns { line += "  " + devices }
        let gap = columns - DisplayWidth.of(line) - widthRight - 1
        if gap >= 1 { return DisplayWidth.fit(line + String(repeating: " ", count: gap) + right, to: columns) }
        return DisplayWidth.fit(right.isEmpty ? line : " " + right + "  " + left, to: columns)
    }
}
