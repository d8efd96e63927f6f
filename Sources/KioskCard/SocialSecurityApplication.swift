import KioskCore

/// The social-security application (SSSE) of a card, over any channel: SELECT by name, EF05
/// (card) and EF06 (holder) read record by record, generation-3 protected fields through a
/// `CardAuthenticator`, PIN VERIFY. Facts in docs/ssc-card.md. Its steps run on the caller's
/// executor (`nonisolated(nonsending)`): called on the card connection's own, the read's twenty-odd
/// APDUs go out without a thread hop each.
public struct SocialSecurityApplication: Sendable {
    /// `sx1.sh.社会保障` in GBK: the SSSE DDF name.
    static let ssseName: [UInt8] = [0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF]

    /// EF05 records (record number = tag) with their value lengths.
    static let cardFields: [Field] = [
        Field(0x01, 16), Field(0x02, 1, optional: true), Field(0x03, 4), Field(0x04, 12, optional: true),
        Field(0x05, 4), Field(0x06, 4), Field(0x07, 9),
    ]
    /// EF06 fields read by tag; 4E (name extension) is absent before generation 3.
    static let holderFields: [Field] = [
        Field(0x08, 18), Field(0x09, 30), Field(0x4E, 20, optional: true), Field(0x0A, 1),
        Field(0x0B, 1, optional: true), Field(0x0C, 3, optional: true), Field(0x0D, 4, optional: true),
    ]
    /// A session's EF05 records before the holder's: the chip's identifier and the card number
    /// (the hub's lookup), the version (is a PSAM needed?). The expiry is read last, while the
    /// hub looks the citizen up.
    static let sessionCardTags: [UInt8] = [0x01, 0x03, 0x07]
    /// A session's EF06 records: the ID number first (the hub's lookup starts then), the name,
    /// and from generation 3 its extension.
    static func sessionHolderTags(generation: Int) -> [UInt8] { generation >= 3 ? [0x08, 0x09, 0x4E] : [0x08, 0x09] }

    struct Field: Sendable {
        var tag: UInt8
        var length: UInt8
        var optional = false
        init(_ tag: UInt8, _ length: UInt8, optional: Bool = false) {
            self.tag = tag
            self.length = length
            self.optional = optional
        }
    }

    /// How much of the card a read takes. At 9600 baud every record costs tens of milliseconds
    /// the citizen waits for, so a session reads only what it shows or sends.
    public enum Extent: Sendable {
        /// Identity, name and expiry: what the session's screens, the hub's lookup and the card
        /// status service use. The birth date comes from the ID number.
        case session
        /// Every field (`kioskctl card read`, diagnostics).
        case full
    }

    /// The short file identifiers of EF05 and EF06: READ RECORD by SFI needs no SELECT of the EF.
    static let ef05SFI: UInt8 = 5
    static let ef06SFI: UInt8 = 6

    public struct ReadResult: Sendable {
        public var card: SocialSecurityCard
        /// Plain notes for the caller, e.g. that a PSAM is needed for the protected fields.
        public var notes: [String]
    }

    let transport: CardTransport
    let authenticator: (any CardAuthenticator)?

    public init(channel: any CardChannel, authenticator: (any CardAuthenticator)? = nil) {
        self.transport = CardTransport(channel)
        self.authenticator = authenticator
    }

    /// Reads the card: SELECT of the application, then records by SFI, the identity first
    /// (`identified` is told it before the rest is read). Throws KioskError:
    /// `notSocialSecurityCard`, `cardProtocol` (garbage), `cardRejected` (application blocked,
    /// key refused), or the channel's `cardRemoved`.
    public nonisolated(nonsending) func read(
        atr: [UInt8], extent: Extent = .full, identified: (@Sendable (CardIdentity) -> Void)? = nil
    ) async throws -> ReadResult {
        try await selectApplication()
        var notes: [String] = []
        var ef05: [UInt8: [UInt8]] = [:]
        var locked: [UInt8] = []
        let firstCardTags = extent == .full ? Self.cardFields.map(\.tag) : Self.sessionCardTags
        for field in Self.cardFields where firstCardTags.contains(field.tag) {
            switch try await readRecord(sfi: Self.ef05SFI, field) {
            case .value(let v): ef05[field.tag] = v
            case .absent: break
            case .locked: locked.append(field.tag)
            }
        }
        guard let identifier = ef05[0x01], let numberBytes = ef05[0x07] else {
            throw KioskError(.cardProtocol, "card data (EF05) lacks the card identifier or number")
        }
        let (specVersion, cardNumber) = try Self.decoding("card data") {
            (try ef05[0x03].map { try CardEncoding.ascii($0) } ?? "?", try CardEncoding.ascii(numberBytes))
        }
        let generation = Int(specVersion.prefix { $0 != "." }) ?? 0

        var authenticated = false
        var problem: ProtectedDataProblem?
        if !locked.isEmpty || generation >= 3 {
            if let authenticator {
                do {
                    try await authenticate(with: authenticator, cardIdentifier: identifier)
                    authenticated = true
                } catch let failure as PSAMFailure {
                    // The PSAM failed, not the card: read on without the protected fields.
                    problem = failure.problem
                    notes.append("第三代卡的受保护信息未读取：\(failure.detail) (the protected fields were not read)")
                }
                if authenticated {
                    for tag in locked {
                        let field = Self.cardFields.first { $0.tag == tag }!
                        if case .value(let v) = try await readRecord(sfi: Self.ef05SFI, field, optional: true) { ef05[tag] = v }
                    }
                }
            } else {
                problem = .noPSAM
                notes.append("第三代卡的受保护信息需要 PSAM 卡认证 (a generation-3 card needs a PSAM for its protected fields)")
            }
        }

        var holder: SocialSecurityCard.Holder?
        if generation < 3 || authenticated {
            holder = try await readHolder(
                extent: extent, generation: generation, cardNumber: cardNumber, cardIdentifier: identifier, identified: identified)
            // The session's last field, read while the hub looks the citizen up.
            if extent == .session, let expiry = Self.cardFields.first(where: { $0.tag == 0x06 }),
                case .value(let v) = try await readRecord(sfi: Self.ef05SFI, expiry, optional: true)
            {
                ef05[0x06] = v
            }
        }
        let card = try Self.decoding("card data") {
            SocialSecurityCard(
                generation: generation, specVersion: specVersion, cardIdentifier: identifier,
                category: try ef05[0x02].map { try CardEncoding.ascii($0) }, institution: ef05[0x04],
                cardNumber: cardNumber,
                issueDate: try ef05[0x05].map { try CardEncoding.date($0) },
                expiryDate: try ef05[0x06].map { try CardEncoding.date($0) },
                holder: holder, atr: atr, protectedDataProblem: problem)
        }
        return ReadResult(card: card, notes: notes)
    }

    /// Decodes with `body`; damaged bytes are the card's protocol fault, said as `what` is damaged.
    static func decoding<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CardProtocolError {
            throw KioskError(.cardProtocol, "\(what) is damaged: \(error.detail)")
        }
    }

    /// VERIFY with the citizen's PIN (application selected first).
    public nonisolated(nonsending) func verifyPIN(_ pin: String) async throws -> PINResult {
        guard let block = CardEncoding.pinBlock(pin) else { throw KioskError(.invalidInput, "a PIN is 4 to 12 digits") }
        try await selectApplication()
        let response = try await send([0x00, 0x20, 0x00, 0x00, UInt8(block.count)] + block)
        switch response.status {
        case .success: return .verified
        case .wrongPIN(let n): return n == 0 ? .blocked : .wrong(triesLeft: n)
        case .authenticationBlocked, .applicationBlocked: return .blocked
        default: throw KioskError(.cardProtocol, "VERIFY answered \(response.status)")
        }
    }

    // MARK: - Steps

    nonisolated(nonsending) func selectApplication() async throws {
        let response = try await send([0x00, 0xA4, 0x04, 0x00, UInt8(Self.ssseName.count)] + Self.ssseName)
        switch response.status {
        case .success: return
        case .applicationBlocked:
            throw KioskError(.cardRejected, "the social-security application on this card is permanently blocked")
        case .fileNotFound, .insNotSupported, .claNotSupported, .incorrectP1P2, .other:
            throw KioskError(.notSocialSecurityCard, "this card has no social-security application (SELECT answered \(response.status))")
        default:
            throw KioskError(.cardProtocol, "SELECT SSSE answered \(response.status)")
        }
    }

    enum RecordRead { case value([UInt8]), absent, locked }

    /// READ RECORD by tag in the file `sfi` names (P2 = SFI << 3) with the exact Le; the
    /// transport follows a `6Cxx` if the card's record is another length. `optional` overrides
    /// the field's own: a record locked or missing is then `absent`/`locked`, not an error.
    nonisolated(nonsending) func readRecord(sfi: UInt8, _ field: Field, optional: Bool? = nil) async throws -> RecordRead {
        let tag = field.tag
        let response = try await send([0x00, 0xB2, tag, sfi << 3, field.length &+ 2])
        switch response.status {
        case .success:
            do { return .value(try CardEncoding.tlv(response.data, expectedTag: tag)) } catch {
                throw KioskError(.cardProtocol, "card data is damaged: \(error.detail)")
            }
        case .recordNotFound where optional ?? field.optional: return .absent
        case .securityNotSatisfied: return .locked
        case .recordNotFound: throw KioskError(.cardProtocol, "a required record (tag \(Hex.encode([tag]))) is missing")
        case .applicationBlocked: throw KioskError(.cardRejected, "the card application is blocked")
        default: throw KioskError(.cardProtocol, "READ RECORD \(Hex.encode([tag])) answered \(response.status)")
        }
    }

    nonisolated(nonsending) func authenticate(with authenticator: any CardAuthenticator, cardIdentifier: [UInt8]) async throws {
        let challenge = try await send([0x00, 0x84, 0x00, 0x00, 0x08])
        guard challenge.isSuccess, challenge.data.count == 8 else {
            throw KioskError(.cardProtocol, "GET CHALLENGE answered \(challenge.status) with \(challenge.data.count) bytes")
        }
        let cryptogram = try await authenticator.cryptogram(challenge: challenge.data, cardIdentifier: cardIdentifier)
        let response = try await send([0x00, 0x82, 0x00, 0x0A, UInt8(cryptogram.count)] + cryptogram)
        switch response.status {
        case .success: return
        case .verificationFailed, .securityNotSatisfied, .other(0x6988):
            // 6300 and 6988 (wrong cryptogram): the terminal's key does not open this card.
            await authenticator.cardRefused()
            throw PSAMFailure(.keyRefused, "the card refused the terminal's cryptogram (EXTERNAL AUTHENTICATE \(response.status))")
        default: throw KioskError(.cardProtocol, "EXTERNAL AUTHENTICATE answered \(response.status)")
        }
    }

    /// EF06: the ID number first (then `identified` hears the identity), then the name, and the
    /// rest only for a full read. The name extension exists from generation 3 on.
    nonisolated(nonsending) func readHolder(
        extent: Extent, generation: Int, cardNumber: String, cardIdentifier: [UInt8], identified: (@Sendable (CardIdentity) -> Void)?
    ) async throws -> SocialSecurityCard.Holder {
        var ef06: [UInt8: [UInt8]] = [:]
        let wanted = extent == .full ? Self.holderFields.map(\.tag) : Self.sessionHolderTags(generation: generation)
        for field in Self.holderFields where wanted.contains(field.tag) {
            switch try await readRecord(sfi: Self.ef06SFI, field) {
            case .value(let v): ef06[field.tag] = v
            case .absent: break
            case .locked: throw KioskError(.cardRejected, "holder data stayed locked after authentication")
            }
            // The ID number is in: the hub can look the citizen up while the rest is read.
            if field.tag == 0x08, let ssn = try? CardEncoding.ascii(ef06[0x08] ?? []), ssn.count == 18 {
                identified?(CardIdentity(ssn: ssn, cardNumber: cardNumber, cardIdentifier: cardIdentifier))
            }
        }
        return try Self.decoding("holder data") {
            let ssn = try CardEncoding.ascii(ef06[0x08] ?? [])
            let name = try CardEncoding.gbk(ef06[0x09] ?? []) + (try ef06[0x4E].map { try CardEncoding.gbk($0) } ?? "")
            guard ssn.count == 18, !name.isEmpty else { throw CardProtocolError("SSN or name is empty or malformed") }
            return SocialSecurityCard.Holder(
                ssn: ssn, name: name, sex: try ef06[0x0A].map { try CardEncoding.ascii($0) } ?? "",
                ethnicity: ef06[0x0B]?.first, birthplace: ef06[0x0C].flatMap(CardEncoding.bcd),
                birthDate: try ef06[0x0D].map { try CardEncoding.date($0) })
        }
    }

    private nonisolated(nonsending) func send(_ command: [UInt8]) async throws -> ResponseAPDU {
        do { return try await transport.send(command) } catch let error as CardProtocolError {
            throw KioskError(.cardProtocol, "the card answered garbage: \(error.detail)")
        }
    }
}
