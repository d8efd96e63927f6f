import KioskCore

/// The card slot over PC/SC: events from `PCSCReaderMonitor`, reads through `PCSCCardReader`,
/// the PIN on a connection of its own. kioskd's `CardSlot`.
public struct PCSCCardSlot: CardSlot {
    let reader: PCSCCardReader

    /// `readerName`: the reader that is the card slot; nil takes the first one pcscd lists.
    public init(readerName: String? = nil, authenticator: (any CardAuthenticator)? = nil) {
        reader = PCSCCardReader(readerName: readerName, authenticator: authenticator)
    }

    public func events() -> AsyncStream<CardEvent> { PCSCReaderMonitor.events() }

    public func read(reader name: String, atr: [UInt8], identified: @escaping @Sendable (CardIdentity) -> Void) async throws
        -> SocialSecurityCard
    {
        try await reader.read(reader: name, atr: atr, extent: .session, identified: identified).result.card
    }

    public func verifyPIN(_ pin: String, reader name: String) async throws -> PINResult {
        try await PCSCCardConnection.with(reader: name) { connection in
            try await SocialSecurityApplication(channel: connection, authenticator: reader.authenticator).verifyPIN(pin)
        }
    }

    public func waitUntilStopped() async { await PCSCReaderMonitor.waitUntilStopped() }
}
