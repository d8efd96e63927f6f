/// What the 2D scanner reports to the session engine. The scanner adapter turns the serial
/// line's bytes into these; the machine checks a code again, so a bad adapter cannot start a
/// session with bytes the hub contract does not allow.
public enum ScanEvent: Sendable, Equatable, CustomStringConvertible {
    /// One scanned code (a line the scanner ended with CR or LF).
    case code(String)
    /// A scan that is not a code the kiosk takes: control or non-ASCII bytes, or too long.
    case unreadable(bytes: Int)
    /// The scanner's port opened (at start, or plugged back in).
    case connected
    /// The port closed under us or could not be opened: unplugged, or the wrong device.
    case disconnected(String)

    /// The electronic social security card's token: printable ASCII, at most 512 characters
    /// (the hub contract's words); anything else is not sent to the hub.
    public static let maximumTokenLength = 512

    public static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumTokenLength && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// Never the code itself: it is the citizen's credential, like a PIN.
    public var description: String {
        switch self {
        case .code(let text): "code (\(text.utf8.count) bytes)"
        case .unreadable(let bytes): "unreadable (\(bytes) bytes)"
        case .connected: "connected"
        case .disconnected(let why): "disconnected: \(why)"
        }
    }
}

/// How the citizen of a session proved who they are.
public enum Credential: String, Sendable, Equatable {
    /// The social security card in the slot.
    case card
    /// The electronic social security card (电子社保卡), its QR code scanned: no card, no PIN.
    case essc
}

/// Why a scanned code did not start a session, as the citizen is told.
public enum CodeProblem: String, Sendable, Equatable {
    /// Not a code the kiosk can read (a shop's barcode, a damaged scan).
    case unreadable
    /// The hub does not know the code.
    case invalid
    /// The code is too old: the citizen refreshes it in their app.
    case expired
    /// The hub could not be asked.
    case hubUnavailable = "hub-unavailable"
    /// The hub refused it for another reason.
    case refused
}
