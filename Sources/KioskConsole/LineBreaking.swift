/// Line breaking for the citizen screens: DisplayWidth.wrap plus the one rule of Chinese
/// typesetting a reader notices at once (避头): a line never starts with closing punctuation
/// such as "，" or "。"; the character before it moves down with it.
enum LineBreaking {
    static let noLineStart: Set<Character> = [
        "，", "。", "、", "；", "：", "！", "？", "）", "」", "』", "”", "’", "…", ",", ".", ";", ":", "!", "?", ")",
    ]

    static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 2 else { return DisplayWidth.wrap(text, to: max(1, width)) }
        var lines: [String] = []
        var line: [Character] = []
        var used = 0
        for ch in text {
            if ch == "\n" {
                lines.append(String(line))
                line = []
                used = 0
                continue
            }
            let w = DisplayWidth.of(ch)
            if used + w > width && !line.isEmpty {
                var carry: [Character] = []
                if noLineStart.contains(ch), line.count > 1, let last = line.last, !noLineStart.contains(last) {
                    carry = [line.removeLast()]
                } else if ch != " ", let space = line.lastIndex(of: " "), space > 0 {
                    // Latin words break at spaces.
                    carry = Array(line[(space + 1)...])
                    line = Array(line[..<space])
                }
                lines.append(String(line))
                line = carry
                used = DisplayWidth.of(String(carry))
                if used + w > width {
                    lines.append(String(line))
                    line = []
                    used = 0
                }
                if ch == " " && line.isEmpty { continue }
            }
            line.append(ch)
            used += w
        }
        if !line.isEmpty || lines.isEmpty { lines.append(String(line)) }
        return lines
    }
}
