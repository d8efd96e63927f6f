/// What a kiosk's devices look like at one moment: the answer to `kioskctl devices` and the
/// status screen. Plain values; the adapters fill them in.
public struct ReaderStatus: Sendable, Equatable, Codable {
    public var name: String
    public var cardPresent: Bool
    /// The card's answer to reset, hex, when a card is present.
    public var atr: String?

    public init(name: String, cardPresent: Bool, atr: String?) {
        self.name = name
        self.cardPresent = cardPresent
        self.atr = atr
    }

    // `atr` is written as null when there is no card, so the JSON keys never vary.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(cardPresent, forKey: .cardPresent)
        try c.encode(atr, forKey: .atr)
    }
}

public struct PrinterStatus: Sendable, Equatable, Codable {
    public var name: String
    /// IPP printer-state as a word: `idle`, `processing`, `stopped`.
    public var state: String
    /// IPP printer-state-reasons, `none` left out.
    public var reasons: [String]

    public init(name: String, state: String, reasons: [String]) {
        self.name = name
        self.state = state
        self.reasons = reasons
    }
}

/// Device families behind one protocol each: the daemon and kioskctl see these, never C.
public protocol ReaderDirectory: Sendable {
    /// Every reader pcscd knows, with card presence and ATR. Throws `pcscUnavailable`.
    func readers() async throws -> [ReaderStatus]
}

public protocol PrinterDirectory: Sendable {
    /// Every queue cupsd knows, with state and reasons. Throws `cupsUnavailable`.
    func printers() async throws -> [PrinterStatus]
}
