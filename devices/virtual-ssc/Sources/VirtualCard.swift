import VirtualICC

/// The card's operating system: selection, security state and the APDU commands of a social
/// security card (devices/virtual-ssc/README.md, docs/ssc-card.md).
/// Everything, including PIN tries, lives in memory only: a new process is a fresh card.
struct VirtualCard: VirtualICC {
    /// DF name of the social-security application: GBK text "sx1.sh.社会保障".
    static let ssseName: [UInt8] = Array("sx1.sh.".utf8) + [0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF]
    static let maxPINTries = 3

    let image: CardImage
    /// T=0 behaviour: data is announced with 61xx and fetched with GET RESPONSE.
    let t0: Bool

    private var ssseSelected = false
    private var currentEF: CardImage.File?
    private var authenticated = false
    private var challenge: [UInt8]?
    private var pinTriesLeft: Int
    /// T=0 only: the answer waiting for GET RESPONSE.
    private var pending: ResponseAPDU?

    init(image: CardImage, t0: Bool) {
        self.image = image
        self.t0 = t0
        pinTriesLeft = image.pinTriesLeft
    }

    /// Power off or reset: the card forgets selection and authentication (not PIN tries).
    var atr: [UInt8] { image.atr }

    mutating func reset() {
        ssseSelected = false
        currentEF = nil
        authenticated = false
        challenge = nil
        pending = nil
    }

    mutating func respond(to bytes: [UInt8]) -> ResponseAPDU {
        guard let command = CommandAPDU(bytes) else { return .wrongLength }
        guard command.cla == 0x00 else { return .claNotSupported }
        if command.ins == 0xC0 && t0 { return getResponse(command) }
        pending = nil
        let response = process(command)
        if t0 && !response.data.isEmpty {
            pending = response
            return ResponseAPDU(0x6100 | UInt16(response.data.count & 0xFF))
        }
        return response
    }

    private mutating func process(_ command: CommandAPDU) -> ResponseAPDU {
        switch command.ins {
        case 0xA4: return select(command)
        case 0xB2: return readRecord(command)
        case 0x84: return getChallenge(command)
        case 0x82: return externalAuthenticate(command)
        case 0x20: return verify(command)
        default: return .insNotSupported
        }
    }

    // MARK: SELECT

    private mutating func select(_ command: CommandAPDU) -> ResponseAPDU {
        // P2 00 asks for the FCI, 0C for none; both are used by terminals.
        guard command.p2 == 0x00 || command.p2 == 0x0C else { return .wrongP1P2 }
        switch command.p1 {
        case 0x04:
            guard !command.data.isEmpty else { return .wrongLength }
            // A failed SELECT leaves the current selection as it was (ISO 7816-4).
            guard !image.notSSC, command.data == Self.ssseName else { return .fileNotFound }
            reset()
            ssseSelected = true
            if image.generation == 3 && command.p2 == 0x00 { return ResponseAPDU(data: Self.fci) }
            return .ok
        case 0x00, 0x02:
            guard command.data.count == 2 else { return .wrongLength }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            if fid == 0x3F00 && command.p1 == 0x00 {
                // Back to the MF: leaving the DF drops its security state.
                reset()
                return .ok
            }
            guard ssseSelected else { return .fileNotFound }
            switch fid {
            case 0xEF05: currentEF = .ef05
            case 0xEF06: currentEF = .ef06
            default: return .fileNotFound
            }
            return .ok
        default:
            return .wrongP1P2
        }
    }

    /// Gen 3 FCI: DF name, then proprietary data whose 9F0C carries `86 01 01`, the algorithm
    /// indicator a reader uses to choose the external-authentication scheme.
    static let fci: [UInt8] = {
        let proprietary: [UInt8] = [0x9F, 0x0C, 0x03, 0x86, 0x01, 0x01]
        let body = [0x84, UInt8(ssseName.count)] + ssseName + [0xA5, UInt8(proprietary.count)] + proprietary
        return [0x6F, UInt8(body.count)] + body
    }()

    // MARK: READ RECORD

    private mutating func readRecord(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.data.isEmpty else { return .wrongLength }
        let sfi = command.p2 >> 3
        let byNumber = command.p2 & 0x07 == 0x04
        guard byNumber || command.p2 & 0x07 == 0x00, sfi != 31, command.p1 != 0 else { return .wrongP1P2 }
        let file: CardImage.File
        if sfi == 0 {
            guard let currentEF else { return .conditionsNotSatisfied }
            file = currentEF
        } else {
            guard ssseSelected, let bySFI = CardImage.File(rawValue: sfi) else { return .fileNotFound }
            file = bySFI
            currentEF = bySFI  // reading by SFI selects the file, as on real cards
        }
        // On gen 3 all of EF06 is protected, so even a missing record answers 6982.
        if isLocked(file, tag: nil) { return .securityNotSatisfied }
        let records = image.files[file] ?? []
        // EF05's record numbers are its tags (generation 1 lacks 02 and 04, so not positions).
        let record =
            byNumber && file != .ef05
            ? (Int(command.p1) <= records.count ? records[Int(command.p1) - 1] : nil)
            : records.first { $0.tag == command.p1 }
        guard let record else { return .recordNotFound }
        if isLocked(file, tag: record.tag) { return .securityNotSatisfied }
        if let le = command.le, le != 256, le != record.bytes.count { return .wrongLe(record.bytes.count) }
        return ResponseAPDU(data: record.bytes)
    }

    /// Gen 3 keeps the holder file and the card's dates behind external authentication.
    private func isLocked(_ file: CardImage.File, tag: UInt8?) -> Bool {
        guard image.generation == 3, !authenticated else { return false }
        switch file {
        case .ef06: return true
        case .ef05: return tag == 0x05 || tag == 0x06
        }
    }

    // MARK: authentication

    private mutating func getChallenge(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0, command.p2 == 0 else { return .wrongP1P2 }
        guard command.data.isEmpty, let le = command.le, le == 8 || le == 256 else { return .wrongLength }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        challenge = bytes
        return ResponseAPDU(data: bytes)
    }

    private mutating func externalAuthenticate(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x00, command.p2 == 0x0A else { return .wrongP1P2 }
        guard command.data.count == 16 else { return .wrongLength }
        guard ssseSelected, let key = image.authKey, let challenge else { return .conditionsNotSatisfied }
        // A challenge answers one attempt only, so a wrong guess cannot be retried against it.
        self.challenge = nil
        guard TestKeyScheme.verify(command.data, key: key, challenge: challenge) else { return ResponseAPDU(0x6300) }
        authenticated = true
        return .ok
    }

    // MARK: VERIFY

    private mutating func verify(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x00, command.p2 == 0x00 else { return .wrongP1P2 }
        if pinTriesLeft == 0 { return .pinBlocked }
        // Without data VERIFY asks how many tries are left (ISO 7816-4).
        if command.data.isEmpty { return ResponseAPDU(0x63C0 | UInt16(pinTriesLeft)) }
        guard command.data.count <= 8 else { return .wrongLength }
        guard let offered = Self.digits(command.data), let expected = Self.digits(image.pin) else { return .wrongData }
        if offered == expected {
            pinTriesLeft = Self.maxPINTries
            return .ok
        }
        pinTriesLeft -= 1
        return pinTriesLeft == 0 ? .pinBlocked : ResponseAPDU(0x63C0 | UInt16(pinTriesLeft))
    }

    /// Digits of a packed BCD PIN: nibbles 0-9, then only F padding (terminals pad to varying lengths).
    static func digits(_ packed: [UInt8]) -> [UInt8]? {
        let nibbles = packed.flatMap { [$0 >> 4, $0 & 0x0F] }
        let digits = Array(nibbles.prefix { $0 <= 9 })
        guard !digits.isEmpty, nibbles.dropFirst(digits.count).allSatisfy({ $0 == 0x0F }) else { return nil }
        return digits
    }

    // MARK: GET RESPONSE (T=0)

    private mutating func getResponse(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0, command.p2 == 0 else { return .wrongP1P2 }
        guard command.data.isEmpty else { return .wrongLength }
        guard let pending else { return .conditionsNotSatisfied }
        if let le = command.le, le != 256, le != pending.data.count { return .wrongLe(pending.data.count) }
        self.pending = nil
        return pending
    }
}
