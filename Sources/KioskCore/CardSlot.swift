/// The card slot as the session sees it: reader and card events, the read of the social
/// security card, and the PIN check. The adapter (KioskCard's `PCSCCardSlot`) speaks PC/SC
/// through pcscd; tests of logic use a fake.
public protocol CardSlot: Sendable {
    /// Every reader and card event from now on, unfiltered (the session machine follows its own
    /// reader). Ends when the subscriber stops iterating.
    func events() -> AsyncStream<CardEvent>
    /// Reads what a citizen's session needs from the card now in `reader` (`atr` as the event
    /// gave it; empty: ask the card). `identified` is called at most once, mid-read, as soon as
    /// the card has given what the hub needs to look the citizen up (the ID number), so the
    /// lookup can overlap the rest of the read; the read may still fail after it (a card pulled,
    /// a damaged name), and a card whose holder data stays locked never calls it.
    /// Throws KioskError: `pcscUnavailable`, `readerUnavailable`, `cardRemoved`,
    /// `notSocialSecurityCard`, `cardProtocol`, `cardRejected`.
    func read(reader: String, atr: [UInt8], identified: @escaping @Sendable (CardIdentity) -> Void) async throws -> SocialSecurityCard
    /// VERIFY with the citizen's PIN on the card in `reader`.
    func verifyPIN(_ pin: String, reader: String) async throws -> PINResult
    /// Waits until the event watchers have let go of the card library: a process must not exit
    /// while one is still inside it.
    func waitUntilStopped() async
}

/// What the hub's subject resolution takes from a card: the holder's ID number, the card number
/// and the chip's identifier.
public struct CardIdentity: Sendable, Equatable {
    public var ssn: String
    public var cardNumber: String
    public var cardIdentifier: [UInt8]

    public init(ssn: String, cardNumber: String, cardIdentifier: [UInt8]) {
        self.ssn = ssn
        self.cardNumber = cardNumber
        self.cardIdentifier = cardIdentifier
    }
}

/// The card's answer to VERIFY.
public enum PINResult: Sendable, Equatable {
    case verified
    case wrong(triesLeft: Int)
    case blocked
}
