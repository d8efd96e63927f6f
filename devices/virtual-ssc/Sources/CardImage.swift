import VirtualICC

/// The bytes a card holds, encoded once from a `Profile` and checked so that a typo in a profile
/// fails at start, not as a puzzling answer in a reader test.
struct CardImage {
    /// One record of an elementary file: a TLV, addressed by its position and by `tag`.
    /// `tag` is where the record sits; a raw override may carry a different first byte on purpose.
    struct Record {
        var tag: UInt8
        var bytes: [UInt8]
    }

    enum File: UInt8 {
        case ef05 = 0x05, ef06 = 0x06
    }

    var atr: [UInt8]
    var generation: Int
    var t0: Bool
    var notSSC: Bool
    var files: [File: [Record]] = [:]
    var pin: [UInt8]
    var pinTriesLeft: Int
    var authKey: [UInt8]?

    struct InvalidProfile: Error, CustomStringConvertible {
        var description: String
    }

    static let gen2Order: [UInt8] = [0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
    static let gen3Order: [UInt8] = [0x08, 0x09, 0x4E, 0x0A, 0x0B, 0x0C, 0x0D]

    init(_ profile: Profile) throws(InvalidProfile) {
        atr = try Self.hex(profile.atr ?? Profile.defaultATR, field: "atr")
        guard (2...33).contains(atr.count), atr[0] == 0x3B || atr[0] == 0x3F else {
            throw InvalidProfile(description: "atr must be 2-33 bytes starting with 3B or 3F")
        }
        guard (1...3).contains(profile.generation) else { throw InvalidProfile(description: "generation must be 1, 2 or 3") }
        generation = profile.generation
        t0 = profile.t0
        notSSC = profile.notSSC
        pin = try Self.packPIN(profile.pin)
        guard (0...15).contains(profile.pinTriesLeft) else { throw InvalidProfile(description: "pinTriesLeft must be 0...15") }
        pinTriesLeft = profile.pinTriesLeft
        if let key = profile.authKey {
            authKey = try Self.hex(key, field: "authKey", count: 16)
        } else if generation == 3 && !notSSC {
            throw InvalidProfile(description: "a generation 3 card needs authKey (32 hex digits)")
        }
        if notSSC { return }
        guard let card = profile.card, let holder = profile.holder else {
            throw InvalidProfile(description: "an SSC profile needs both \"card\" and \"holder\"")
        }
        files[.ef05] = try Self.ef05(card, generation: generation)
        files[.ef06] = try Self.ef06(holder, generation: generation, order: profile.ef06Order)
        try applyRawRecords(profile.rawRecords)
    }

    private static func ef05(_ card: Profile.Card, generation: Int) throws(InvalidProfile) -> [Record] {
        let version = card.specVersion ?? "\(generation).00"
        var fields: [(UInt8, [UInt8])] = [
            (0x01, try hex(card.cardIdentifier, field: "card.cardIdentifier", count: 16)),
            (0x03, try ascii(version, field: "card.specVersion", count: 4)),
            (0x05, try bcd(card.issueDate, field: "card.issueDate", digits: 8)),
            (0x06, try bcd(card.expiryDate, field: "card.expiryDate", digits: 8)),
            (0x07, try ascii(card.cardNumber, field: "card.cardNumber", count: 9)),
        ]
        // Generation 1 has neither a card category nor an initialising institution (6A83).
        if generation >= 2 || card.category != nil {
            fields.append((0x02, try ascii(card.category ?? "3", field: "card.category", count: 1)))
        }
        if let institution = card.institution {
            fields.append((0x04, try hex(institution, field: "card.institution", count: 12)))
        } else if generation >= 2 {
            throw InvalidProfile(description: "card.institution (24 hex digits) is required from generation 2 on")
        }
        fields.sort { $0.0 < $1.0 }
        return fields.map { Record(tag: $0.0, bytes: [$0.0, UInt8($0.1.count)] + $0.1) }
    }

    private static func ef06(_ holder: Profile.Holder, generation: Int, order: [String]?) throws(InvalidProfile) -> [Record] {
        let ssn = try ascii(holder.ssn, field: "holder.ssn", count: 18)
        guard ResidentID.isValid(holder.ssn) else {
            throw InvalidProfile(
                description: "holder.ssn has no valid GB 11643 check digit (expected \(ResidentID.checkDigit(holder.ssn) ?? "?")); "
                    + "use rawRecords \"EF06:08\" for a deliberately bad number")
        }
        let (name, nameExtension) = try splitName(holder.name)
        guard ["1", "2", "9", "0"].contains(holder.sex) else { throw InvalidProfile(description: "holder.sex must be \"1\" or \"2\"") }
        let ethnicity = holder.ethnicity ?? 1
        guard (0...255).contains(ethnicity) else { throw InvalidProfile(description: "holder.ethnicity must be 0...255") }
        var values: [UInt8: [UInt8]] = [
            0x08: ssn,
            0x09: name,
            0x0A: Array(holder.sex.utf8),
            0x0B: [UInt8(ethnicity)],
            0x0C: try bcd(holder.birthplace, field: "holder.birthplace", digits: 6),
            0x0D: try bcd(holder.birthDate, field: "holder.birthDate", digits: 8),
        ]
        let tags: [UInt8]
        if let order {
            var parsed: [UInt8] = []
            for text in order {
                guard let tag = Hex.bytes(text), tag.count == 1 else {
                    throw InvalidProfile(description: "ef06Order: '\(text)' is not one hex byte")
                }
                parsed.append(tag[0])
            }
            tags = parsed
        } else {
            tags = generation == 3 ? gen3Order : gen2Order
        }
        if tags.contains(0x4E) {
            values[0x4E] = nameExtension
        } else if nameExtension.contains(where: { $0 != 0xFF }) {
            throw InvalidProfile(
                description: "holder.name needs more than 30 GBK bytes, but this card has no name extension (4E in ef06Order)")
        }
        var records: [Record] = []
        for tag in tags {
            guard let value = values[tag] else {
                throw InvalidProfile(description: "ef06Order: no holder field has tag \(Hex.string([tag]))")
            }
            records.append(Record(tag: tag, bytes: [tag, UInt8(value.count)] + value))
        }
        return records
    }

    /// Name (tag 09, 30 bytes 0x00-padded) and extension (tag 4E, 20 bytes 0xFF-padded).
    /// Splits between characters, never inside one, so each part decodes on its own.
    private static func splitName(_ text: String) throws(InvalidProfile) -> ([UInt8], [UInt8]) {
        let characters: [[UInt8]]
        do {
            characters = try GBText.encodeCharacters(text)
        } catch {
            throw InvalidProfile(description: "holder.name: \(error.description)")
        }
        guard !characters.isEmpty else { throw InvalidProfile(description: "holder.name is empty") }
        var name: [UInt8] = []
        var rest: [UInt8] = []
        for bytes in characters {
            if rest.isEmpty && name.count + bytes.count <= 30 {
                name += bytes
            } else {
                rest += bytes
            }
        }
        guard rest.count <= 20 else { throw InvalidProfile(description: "holder.name is too long: more than 30 + 20 GBK bytes") }
        return (name + Array(repeating: 0x00, count: 30 - name.count), rest + Array(repeating: 0xFF, count: 20 - rest.count))
    }

    /// "EF06:09" -> whole TLV. Replaces the record at that tag's position, or appends one.
    private mutating func applyRawRecords(_ raw: [String: String]) throws(InvalidProfile) {
        for (key, value) in raw.sorted(by: { $0.key < $1.key }) {
            let parts = key.uppercased().split(separator: ":")
            guard parts.count == 2, let file = File(rawValue: parts[0] == "EF05" ? 5 : parts[0] == "EF06" ? 6 : 0),
                let tagBytes = Hex.bytes(String(parts[1])), tagBytes.count == 1
            else {
                throw InvalidProfile(description: "rawRecords: key '\(key)' must look like \"EF05:07\" or \"EF06:09\"")
            }
            let bytes = try Self.hex(value, field: "rawRecords[\(key)]")
            guard bytes.count <= 255 else { throw InvalidProfile(description: "rawRecords[\(key)] is longer than 255 bytes") }
            let record = Record(tag: tagBytes[0], bytes: bytes)
            if let index = files[file, default: []].firstIndex(where: { $0.tag == record.tag }) {
                files[file]![index] = record
            } else {
                files[file, default: []].append(record)
            }
        }
    }

    // MARK: field encoders

    static func hex(_ text: String, field: String, count: Int? = nil) throws(InvalidProfile) -> [UInt8] {
        guard let bytes = Hex.bytes(text) else { throw InvalidProfile(description: "\(field) is not hex: '\(text)'") }
        if let count, bytes.count != count {
            throw InvalidProfile(description: "\(field) must be \(count) bytes (\(count * 2) hex digits)")
        }
        return bytes
    }

    static func ascii(_ text: String, field: String, count: Int) throws(InvalidProfile) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count == count, bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
            throw InvalidProfile(description: "\(field) must be \(count) printable ASCII characters, got '\(text)'")
        }
        return bytes
    }

    static func bcd(_ text: String, field: String, digits: Int) throws(InvalidProfile) -> [UInt8] {
        let nibbles = text.utf8.map { $0 &- 0x30 }
        guard nibbles.count == digits, nibbles.allSatisfy({ $0 <= 9 }) else {
            throw InvalidProfile(description: "\(field) must be \(digits) digits, got '\(text)'")
        }
        return stride(from: 0, to: digits, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
    }

    /// PIN as VERIFY carries it: packed BCD, an odd digit count padded with F.
    static func packPIN(_ pin: String) throws(InvalidProfile) -> [UInt8] {
        var nibbles = pin.utf8.map { $0 &- 0x30 }
        guard (4...12).contains(nibbles.count), nibbles.allSatisfy({ $0 <= 9 }) else {
            throw InvalidProfile(description: "pin must be 4-12 digits")
        }
        if nibbles.count % 2 == 1 { nibbles.append(0x0F) }
        return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
    }
}
