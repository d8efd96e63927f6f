import KioskCard
import KioskCore

/// How `kioskctl card read` shows a card: masked everywhere, in three forms (text, JSON with the
/// contract's keys, and the vendor's iReadCardBas line).
public struct CardReport: Sendable, Encodable {
    public var generation: Int
    public var cardNumberMasked: String
    public var ssnMasked: String?
    public var nameMasked: String?
    public var sex: String?
    public var birthDate: String?
    public var issueDate: String?
    public var expiryDate: String?
    public var regionCode: String
    public var cardIdentifier: String
    public var atr: String
    public var idChecksumValid: Bool
    public var expired: Bool
    public var notes: [String]
    /// Why a generation-3 card's protected fields were not read (`psam-missing`, `key-refused`, …).
    public var protectedData: String?

    public init(card: SocialSecurityCard, notes: [String], today: CardDate) {
        generation = card.generation
        cardNumberMasked = card.cardNumberMasked
        ssnMasked = card.ssnMasked
        nameMasked = card.nameMasked
        sex = card.holder.map { $0.sex == "1" ? "male" : $0.sex == "2" ? "female" : $0.sex }
        birthDate = card.holder?.birthDate?.description
        issueDate = card.issueDate?.description
        expiryDate = card.expiryDate?.description
        regionCode = card.regionCode
        cardIdentifier = Hex.encode(card.cardIdentifier)
        atr = Hex.encode(card.atr)
        idChecksumValid = card.idChecksumValid
        expired = card.isExpired(today: today)
        self.notes = notes
        protectedData = card.protectedDataProblem?.rawValue
    }

    // Optional keys are written as null, so the JSON always has every key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generation, forKey: .generation)
        try c.encode(cardNumberMasked, forKey: .cardNumberMasked)
        try c.encode(ssnMasked, forKey: .ssnMasked)
        try c.encode(nameMasked, forKey: .nameMasked)
        try c.encode(sex, forKey: .sex)
        try c.encode(birthDate, forKey: .birthDate)
        try c.encode(issueDate, forKey: .issueDate)
        try c.encode(expiryDate, forKey: .expiryDate)
        try c.encode(regionCode, forKey: .regionCode)
        try c.encode(cardIdentifier, forKey: .cardIdentifier)
        try c.encode(atr, forKey: .atr)
        try c.encode(idChecksumValid, forKey: .idChecksumValid)
        try c.encode(expired, forKey: .expired)
        try c.encode(notes, forKey: .notes)
        try c.encode(protectedData, forKey: .protectedData)
    }

    enum CodingKeys: String, CodingKey {
        case generation, cardNumberMasked, ssnMasked, nameMasked, sex, birthDate, issueDate, expiryDate
        case regionCode, cardIdentifier, atr, idChecksumValid, expired, notes, protectedData
    }

    public var text: String {
        var lines = [
            "社会保障卡 第\(generation)代 (generation \(generation))",
            "  卡号 card number    \(cardNumberMasked)",
            "  社会保障号码 SSN    \(ssnMasked ?? "—")",
            "  姓名 name           \(nameMasked ?? "—")",
            "  性别 sex            \(sex ?? "—")",
            "  出生日期 born       \(birthDate ?? "—")",
            "  发卡日期 issued     \(issueDate ?? "—")",
            "  有效期至 expires    \(expiryDate ?? "—")\(expired ? "  (已过期 EXPIRED)" : "")",
            "  区划 region         \(regionCode)",
            "  卡识别码 identifier \(cardIdentifier)",
            "  ATR                 \(atr)",
            "  号码校验 ID check   \(holderKnown ? (idChecksumValid ? "ok" : "INVALID") : "—")",
        ]
        lines += notes.map { "  注意 note: \($0)" }
        return lines.joined(separator: "\n")
    }

    private var holderKnown: Bool { ssnMasked != nil }

    /// The vendor convention (iReadCardBas): 11 fields, each followed by `|`; SSN and name masked.
    public func iReadCardBas(card: SocialSecurityCard, terminal: String, device: String) -> String {
        let historical = (try? ATR(card.atr)).map { Hex.encode($0.historicalBytes) } ?? ""
        let fields = [
            regionCode, ssnMasked ?? "", cardNumberMasked, cardIdentifier, nameMasked ?? "", historical,
            card.specVersion, card.issueDate?.compact ?? "", card.expiryDate?.compact ?? "", terminal, device,
        ]
        return fields.map { $0 + "|" }.joined()
    }
}
