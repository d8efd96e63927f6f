import KioskCore

/// The generation-3 external authentication relayed through the terminal's PSAM in its SAM slot
/// (docs/psam.md): the kiosk sends the card identifier to the PSAM as diversification data
/// (INIT FOR DESCRYPT, `80 1A`), then the card's challenge padded to one 16-byte block (DES
/// CRYPT, `80 FA`), and hands the PSAM's 16 bytes to the card. The kiosk never holds a key.
/// Every failure of the PSAM is a `PSAMFailure`, so it is never mistaken for the citizen's card.
public struct PSAMAuthenticator: CardAuthenticator {
    /// The key the PSAM uses, addressed as its issuer set it up: P1 and P2 of INIT FOR DESCRYPT.
    public struct Key: Sendable, Equatable {
        public var usage: UInt8
        public var version: UInt8

        public init(usage: UInt8, version: UInt8) {
            self.usage = usage
            self.version = version
        }

        /// Usage 27 (an encryption key), version 01: what the rigs' test PSAM holds.
        public static let standard = Key(usage: 0x27, version: 0x01)
    }

    public let reader: String
    public let key: Key
    /// Told the outcome of every authentication: nil when the PSAM did its part (whatever the
    /// card then said), else the PSAM's problem. The daemon keeps the PSAM's device state with it.
    public var onOutcome: (@Sendable (ProtectedDataProblem?) async -> Void)?
    /// The daemon's: one connection to the PSAM kept from citizen to citizen (the PSAM stays in
    /// its slot all day), instead of a pcsc-lite context and connection for each card.
    private let link: PSAMLink?

    /// `keepsConnection` for a long-lived process (kioskd); a tool that exits right after (kioskctl)
    /// connects for each authentication, so no pcsc-lite handle is open when it exits.
    public init(
        reader: String, key: Key = .standard, keepsConnection: Bool = false,
        onOutcome: (@Sendable (ProtectedDataProblem?) async -> Void)? = nil
    ) {
        self.reader = reader
        self.key = key
        self.onOutcome = onOutcome
        link = keepsConnection ? PSAMLink(reader: reader) : nil
    }

    public func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8] {
        let key = key
        do {
            let compute: nonisolated(nonsending) @Sendable (PSAMApplication) async throws -> [UInt8] = { psam in
                try await psam.cryptogram(key: key, challenge: challenge, diversification: cardIdentifier)
            }
            let result: [UInt8]
            if let link {
                result = try await link.run(compute)
            } else {
                result = try await Self.withPSAM(reader: reader, compute)
            }
            await onOutcome?(nil)
            return result
        } catch let failure as PSAMFailure {
            await onOutcome?(failure.problem)
            throw failure
        }
    }

    /// The kiosk's PSAM as its site file names it (`card.psamReader`, `card.psamKey`); nil when it has none.
    public init?(
        site card: KioskConfiguration.Card, keepsConnection: Bool = false,
        onOutcome: (@Sendable (ProtectedDataProblem?) async -> Void)? = nil
    ) {
        guard !card.psamReader.isEmpty else { return nil }
        let key = card.psamKeyBytes
        self.init(
            reader: card.psamReader, key: Key(usage: key.usage, version: key.version), keepsConnection: keepsConnection,
            onOutcome: onOutcome)
    }

    /// The card refused what the PSAM computed: reported as the PSAM's problem (its key does not
    /// open this generation's cards), since the card itself read fine up to there.
    public func cardRefused() async {
        await onOutcome?(.keyRefused)
    }

    /// The PSAM's terminal number (EF 0016) and whether `key` is there: what `kioskctl diag`
    /// reports. Throws PSAMFailure.
    public static func identify(reader: String, key: Key) async throws -> (terminalNumber: String, keyPresent: Bool) {
        try await withPSAM(reader: reader) { psam in
            let number = try await psam.terminalNumber()
            return (number, try await psam.hasKey(key))
        }
    }

    /// Connects to the PSAM, runs `body`, disconnects. pcsc-lite's own errors become PSAMFailures.
    static func withPSAM<T: Sendable>(
        reader: String, _ body: nonisolated(nonsending) @Sendable (PSAMApplication) async throws -> T
    ) async throws -> T {
        do {
            return try await PCSCCardConnection.with(reader: reader) { connection in
                try await connection.isolated { connection in try await body(PSAMApplication(channel: connection)) }
            }
        } catch let failure as PSAMFailure {
            throw failure
        } catch let error as KioskError {
            throw PSAMFailure(.psamMissing, "the PSAM in \(reader) cannot be reached: \(error.message)")
        }
    }
}
