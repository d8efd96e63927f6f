import Crypto
import VirtualICC

/// The PSAM's operating system, as far as a kiosk uses it (README.md here): its terminal number
/// (EF 0016), the key set addressed by usage and version, INIT FOR DESCRYPT (80 1A) deriving a
/// process key from diversification data, and DES CRYPT (80 FA) encrypting with it. Everything
/// lives in memory: a reset forgets the process key.
struct VirtualPSAM: VirtualICC {
    let profile: PSAMProfile
    let t0: Bool
    /// Answer every proprietary (CLA 80) command with this status word (a PSAM in trouble).
    let failure: UInt16?

    private var processKey: [UInt8]?
    /// T=0 only: the answer waiting for GET RESPONSE.
    private var pending: ResponseAPDU?

    init(profile: PSAMProfile, t0: Bool, failure: UInt16?) {
        self.profile = profile
        self.t0 = t0
        self.failure = failure
    }

    var atr: [UInt8] { profile.atr }

    mutating func reset() {
        processKey = nil
        pending = nil
    }

    mutating func respond(to bytes: [UInt8]) -> ResponseAPDU {
        guard let command = CommandAPDU(bytes) else { return .wrongLength }
        if command.cla == 0x00 && command.ins == 0xC0 && t0 { return getResponse(command) }
        pending = nil
        let response: ResponseAPDU
        switch command.cla {
        case 0x00: response = interindustry(command)
        case 0x80:
            if let failure { return ResponseAPDU(failure) }
            response = proprietary(command)
        default: return .claNotSupported
        }
        if t0 && !response.data.isEmpty {
            pending = response
            return ResponseAPDU(0x6100 | UInt16(response.data.count & 0xFF))
        }
        return response
    }

    private func interindustry(_ command: CommandAPDU) -> ResponseAPDU {
        switch command.ins {
        case 0xA4:
            // The MF only: the kiosk's keys sit at the PSAM's top level.
            return command.data == [0x3F, 0x00] ? .ok : .fileNotFound
        case 0xB0: return readBinary(command)
        default: return .insNotSupported
        }
    }

    private mutating func proprietary(_ command: CommandAPDU) -> ResponseAPDU {
        switch command.ins {
        case 0x1A: return initForDescrypt(command)
        case 0xFA: return desCrypt(command)
        default: return .insNotSupported
        }
    }

    /// READ BINARY by short file identifier: P1 = 80 | SFI, P2 = offset. Only EF 0016 (SFI 16).
    private func readBinary(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x96 else { return command.p1 & 0x80 != 0 ? .fileNotFound : .wrongP1P2 }
        let offset = Int(command.p2)
        let file = profile.terminalNumber
        guard offset < file.count else { return .wrongP1P2 }
        let rest = Array(file[offset...])
        guard let le = command.le else { return .wrongLength }
        if le == 256 || le == rest.count { return ResponseAPDU(data: rest) }
        return .wrongLe(rest.count)
    }

    /// INIT FOR DESCRYPT: P1 key usage, P2 key version, data = diversification factors, 8 bytes
    /// per level. The process key is the addressed key diversified by the whole data.
    private mutating func initForDescrypt(_ command: CommandAPDU) -> ResponseAPDU {
        processKey = nil
        guard !command.data.isEmpty, command.data.count % 8 == 0, command.data.count <= 24 else { return .wrongLength }
        guard let key = profile.keys.first(where: { $0.usage == command.p1 && $0.version == command.p2 }) else {
            return ResponseAPDU(0x6A88)
        }
        processKey = TestKeyDerivation.diversify(master: key.masterKey, data: command.data)
        return .ok
    }

    /// DES CRYPT: P1 00 = encrypt the data with the process key, whole blocks of 8 bytes.
    private mutating func desCrypt(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x00, command.p2 == 0x00 else { return .wrongP1P2 }
        guard !command.data.isEmpty, command.data.count % 8 == 0, command.data.count <= 32 else { return .wrongLength }
        guard let processKey else { return .conditionsNotSatisfied }
        return ResponseAPDU(data: TestKeyDerivation.encrypt(key: processKey, data: command.data))
    }

    private mutating func getResponse(_ command: CommandAPDU) -> ResponseAPDU {
        guard let answer = pending else { return .conditionsNotSatisfied }
        guard command.le == answer.data.count || command.le == 256 else { return .wrongLe(answer.data.count) }
        pending = nil
        return answer
    }
}

/// The test stand-in for the PSAM's 3DES/SM4 (whose keys and use are not public): HMAC-SHA256
/// truncated. A card's key is diversify(master, card identifier); the card checks
/// encrypt(its key, challenge || 00 x 8), as devices/virtual-ssc does. Test PSAMs only.
enum TestKeyDerivation {
    static func diversify(master: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: master)).prefix(16))
    }

    static func encrypt(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)).prefix(data.count))
    }
}
