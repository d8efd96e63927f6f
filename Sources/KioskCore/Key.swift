/// A key the citizen pressed, after the console front decoded the terminal's bytes
/// (kiosk-config/keymap.json). A kiosk keypad has digits, confirm and back; arrows page tables
/// on kiosks that have them, and digits do the same on kiosks that do not.
public enum Key: Sendable, Equatable, Hashable, CustomStringConvertible {
    case digit(Int)
    /// 确认
    case enter
    /// 返回 / 更正
    case back
    case up
    case down
    /// 中文 / English: this citizen's language (on the attract screen and the menu).
    case language

    /// The key's name in keymap.json ("digit0"…"digit9", "enter", "back", "up", "down", "language").
    public init?(name: String) {
        switch name {
        case "enter": self = .enter
        case "back": self = .back
        case "up": self = .up
        case "down": self = .down
        case "language": self = .language
        default:
            guard name.hasPrefix("digit"), let d = Int(name.dropFirst(5)), (0...9).contains(d) else { return nil }
            self = .digit(d)
        }
    }

    public var description: String {
        switch self {
        case .digit(let d): "digit\(d)"
        case .enter: "enter"
        case .back: "back"
        case .up: "up"
        case .down: "down"
        case .language: "language"
        }
    }
}
