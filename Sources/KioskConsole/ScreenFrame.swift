/// A rendered screen: plain lines (what tests compare) and one style per line (what the
/// terminal adds as ANSI SGR). Keeping them apart keeps snapshots readable.
public struct ScreenFrame: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        case plain
        /// Title bar: bold, reversed.
        case title
        /// The one thing to do now ("请插入社保卡"): bold.
        case emphasis
        /// Something is wrong or urgent: bold red.
        case warning
        /// Unavailable items, hints: dim.
        case dim
        case status
    }

    public var lines: [String]
    public var styles: [Style]

    /// The lines with ANSI SGR around each styled one (for the terminal only).
    public var ansiLines: [String] {
        zip(lines, styles).map { line, style in
            switch style {
            case .plain: line
            case .title: "\u{1B}[1;7m\(line)\u{1B}[0m"
            case .emphasis: "\u{1B}[1m\(line)\u{1B}[0m"
            case .warning: "\u{1B}[1;31m\(line)\u{1B}[0m"
            case .dim: "\u{1B}[2m\(line)\u{1B}[0m"
            case .status: "\u{1B}[7m\(line)\u{1B}[0m"
            }
        }
    }
}

/// One line of a screen body before layout.
struct BodyLine: Sendable, Equatable {
    var text: String
    var style: ScreenFrame.Style = .plain
    var centered = false
    /// Continuation lines of a wrapped item start this many columns in.
    var hangingIndent = 0

    static func center(_ text: String, _ style: ScreenFrame.Style = .plain) -> BodyLine {
        BodyLine(text: text, style: style, centered: true)
    }

    static let blank = BodyLine(text: "")
}

/// What a screen says: a title, body lines, the key hint, and whether to centre it vertically.
struct ScreenBody: Sendable, Equatable {
    var title: String
    var lines: [BodyLine]
    var hint: String = ""
    var middle = false
    /// Tables keep their rows together even on tall screens.
    var dense = false
}
