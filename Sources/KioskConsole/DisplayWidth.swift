import CSystemShims

/// How many terminal columns text takes: CJK is two, combining marks zero. Uses the C
/// library's wcwidth (declared in CSystemShims; Glibc does not expose it), which needs a UTF-8
/// LC_CTYPE: without one it answers -1 for every CJK character and the layout breaks.
public enum DisplayWidth {
    private static let localeReady: Bool = {
        // Keep a UTF-8 locale the process already has; otherwise take C.UTF-8 (always present).
        if let current = setlocale(LC_CTYPE, ""), String(cString: current).uppercased().contains("UTF") { return true }
        return setlocale(LC_CTYPE, "C.UTF-8") != nil
    }()

    public static func of(_ character: Character) -> Int {
        _ = localeReady
        var width = 0
        for (i, scalar) in character.unicodeScalars.enumerated() {
            let w = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
            if i == 0 {
                // Control characters never reach the screen; unknown printable ones take one cell.
                width = w < 0 ? (scalar.value < 0x20 || scalar.value == 0x7F ? 0 : 1) : w
            } else if w > width {
                width = w  // emoji presentation selectors and the like widen the cluster
            }
        }
        return width
    }

    /// C0 controls (ESC, BEL, CR…), DEL and the C1 controls (U+0080–U+009F: CSI among them).
    public static func isControl(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        return scalar < 0x20 || (0x7F...0x9F).contains(scalar)
    }

    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// `text` cut to at most `columns` without splitting a double-width character, then
    /// padded with spaces to exactly `columns`. Control characters are dropped: every line of a
    /// screen passes here, and text from the hub or a card (an employer's name) must never
    /// reach the terminal as an escape sequence that retitles, moves or answers back.
    public static func fit(_ text: some StringProtocol, to columns: Int) -> String {
        var out = ""
        var used = 0
        for ch in text {
            if isControl(ch) { continue }
            let w = of(ch)
            if used + w > columns { break }
            out.append(ch)
            used += w
        }
        return out + String(repeating: " ", count: max(0, columns - used))
    }

    /// `text` centred in `columns` (cut first if it is wider).
    public static func center(_ text: some StringProtocol, in columns: Int) -> String {
        let width = min(of(text), columns)
        let left = (columns - width) / 2
        return fit(String(repeating: " ", count: left) + text, to: columns)
    }

    /// Splits text into lines of at most `columns`, at spaces where possible and between any two
    /// CJK characters otherwise; never cuts a character.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        guard columns > 1 else { return [text] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for ch in text {
            if ch == "\n" { lines.append(line); line = ""; used = 0; continue }
            let w = of(ch)
            if used + w > columns {
                if let space = line.lastIndex(of: " "), line.distance(from: line.startIndex, to: space) > 0 {
                    let rest = String(line[line.index(after: space)...])
                    lines.append(String(line[..<space]))
                    line = rest
                    used = of(rest)
                } else {
                    lines.append(line); line = ""; used = 0
                }
                if ch == " " && used == 0 { continue }
            }
            line.append(ch)
            used += w
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
