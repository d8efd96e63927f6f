/// What the card reader side reports to the session engine and to `kioskctl card watch`.
public enum CardEvent: Sendable, Equatable, CustomStringConvertible {
    case readerAdded(String)
    case readerRemoved(String)
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)
    /// pcscd went away; every reader and card is gone until `serviceRestored`.
    case serviceUnavailable(String)
    case serviceRestored

    public var description: String {
        switch self {
        case .readerAdded(let r): return "reader-added \(r)"
        case .readerRemoved(let r): return "reader-removed \(r)"
        case .cardInserted(let r, let atr): return "card-inserted \(r) \(Hex.encode(atr))"
        case .cardRemoved(let r): return "card-removed \(r)"
        case .serviceUnavailable(let why): return "pcscd-unavailable \(why)"
        case .serviceRestored: return "pcscd-restored"
        }
    }
}
