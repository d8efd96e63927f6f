/// What the kiosk learns from a social security card. Full values stay in memory only for the
/// session; everything that leaves memory (screen, receipt, log, journal) uses the masked forms.
public struct SocialSecurityCard: Sendable, Equatable {
    /// Card generation from EF05 tag 03 (`1.00`/`2.00`/`3.00`).
    public var generation: Int
    public var specVersion: String
    /// EF05 tag 01, 16 bytes: BCD region code, `D156000005`, 8 unique bytes.
    public var cardIdentifier: [UInt8]
    public var category: String?
    public var institution: [UInt8]?
    public var cardNumber: String
    public var issueDate: CardDate?
    public var expiryDate: CardDate?
    /// Holder fields; nil on a generation-3 card read without a PSAM (protected fields).
    public var holder: Holder?
    /// The card's answer to reset.
    public var atr: [UInt8]
    /// Why the holder is missing on a generation-3 card; nil when nothing was left unread.
    public var protectedDataProblem: ProtectedDataProblem?

    public struct Holder: Sendable, Equatable {
        /// Social security number = 18-character resident ID.
        public var ssn: String
        /// Name and name extension joined, padding trimmed.
        public var name: String
        /// `1` male, `2` female, as on the card.
        public var sex: String
        public var ethnicity: UInt8?
        public var birthplace: String?
        public var birthDate: CardDate?

        public init(ssn: String, name: String, sex: String, ethnicity: UInt8?, birthplace: String?, birthDate: CardDate?) {
            self.ssn = ssn
            self.name = name
            self.sex = sex
            self.ethnicity = ethnicity
            self.birthplace = birthplace
            self.birthDate = birthDate
        }
    }

    public init(
        generation: Int, specVersion: String, cardIdentifier: [UInt8], category: String?, institution: [UInt8]?,
        cardNumber: String, issueDate: CardDate?, expiryDate: CardDate?, holder: Holder?, atr: [UInt8],
        protectedDataProblem: ProtectedDataProblem? = nil
    ) {
        self.generation = generation
        self.specVersion = specVersion
        self.cardIdentifier = cardIdentifier
        self.category = category
        self.institution = institution
        self.cardNumber = cardNumber
        self.issueDate = issueDate
        self.expiryDate = expiryDate
        self.holder = holder
        self.atr = atr
        self.protectedDataProblem = protectedDataProblem
    }

    /// The region code: the first 3 bytes of the card identifier, BCD ("110100").
    public var regionCode: String {
        Hex.encode(cardIdentifier.prefix(3))
    }

    public var idChecksumValid: Bool {
        holder.map { ResidentID.isValid($0.ssn) } ?? false
    }

    /// True when the expiry date lies before `today` (a card is valid through its expiry day).
    public func isExpired(today: CardDate) -> Bool {
        guard let expiryDate else { return false }
        return expiryDate < today
    }

    public var cardNumberMasked: String { Masking.cardNumber(cardNumber) }
    public var ssnMasked: String? { holder.map { Masking.ssn($0.ssn) } }
    public var nameMasked: String? { holder.map { Masking.name($0.name) } }

    /// Overwrites every personal field in memory: called when the session ends.
    public mutating func wipe() {
        holder = nil
        cardNumber = String(repeating: "0", count: cardNumber.count)
        cardIdentifier = [UInt8](repeating: 0, count: cardIdentifier.count)
    }
}

/// A calendar date as cards store it (BCD YYYYMMDD), without time zones.
public struct CardDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2199).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// From "YYYYMMDD" digits.
    public init?(digits: String) {
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)), let d = Int(digits.suffix(2))
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: CardDate, b: CardDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// ISO form, YYYY-MM-DD.
    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The compact form, YYYYMMDD (the vendor convention's date fields).
    public var compact: String { description.filter { $0 != "-" } }
}
