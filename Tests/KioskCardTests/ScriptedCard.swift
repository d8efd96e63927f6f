import Crypto
import KioskCard
import KioskCore

/// An in-process card for unit tests of the card application's logic: records by EF and tag,
/// optional T=0 (61xx) and 6Cxx behaviour, generation-3 locking. The integration tests use the
/// real thing (pcscd + vpcd + devices/virtual-ssc).
actor ScriptedCard: CardChannel {
    var records: [UInt16: [UInt8: [UInt8]]]  // EF → tag → whole TLV record
    var isSSC = true
    var generation3Key: [UInt8]?
    /// What a wrong cryptogram gets: 6300, or 6988 on some cards.
    var refusal: [UInt8] = [0x63, 0x00]
    var t0 = false
    var exactLeOnly = false
    var removeAfter: Int?
    var pin = "123456"
    var pinTries = 3

    private var currentEF: UInt16?
    private var pending: [UInt8] = []
    private var challenge: [UInt8]?
    private var unlocked = false
    private(set) var commands: [[UInt8]] = []

    init(records: [UInt16: [UInt8: [UInt8]]]) {
        self.records = records
    }

    func configure(_ body: @Sendable (isolated ScriptedCard) -> Void) { body(self) }

    func transmit(_ c: [UInt8]) async throws -> [UInt8] {
        commands.append(c)
        if let removeAfter, commands.count > removeAfter { throw KioskError(.cardRemoved, "the card was removed during the read") }
        let answer = respond(c)
        if t0 && answer.count > 2 && !(c[1] == 0xC0) {
            pending = Array(answer.dropLast(2))
            return [0x61, UInt8(pending.count)]
        }
        return answer
    }

    private func respond(_ c: [UInt8]) -> [UInt8] {
        guard c.count >= 4 else { return [0x67, 0x00] }
        switch (c[0], c[1]) {
        case (0x00, 0xC0):
            defer { pending = [] }
            return pending + [0x90, 0x00]
        case (0x00, 0xA4) where c[2] == 0x04:
            currentEF = nil
            unlocked = false
            return isSSC ? [0x90, 0x00] : [0x6A, 0x82]
        case (0x00, 0xA4):
            let fid = UInt16(c[5]) << 8 | UInt16(c[6])
            guard records[fid] != nil else { return [0x6A, 0x82] }
            currentEF = fid
            return [0x90, 0x00]
        case (0x00, 0xB2):
            // P2 = SFI << 3 names the file (5 → EF05, 6 → EF06) and selects it; P2 = 00 is the current EF.
            let sfi = c[3] >> 3
            if sfi != 0 {
                guard sfi == 5 || sfi == 6 else { return [0x6A, 0x82] }
                currentEF = 0xEF00 | UInt16(sfi)
            }
            guard let ef = currentEF else { return [0x69, 0x85] }
            guard let record = records[ef]?[c[2]] else { return [0x6A, 0x83] }
            if generation3Key != nil && !unlocked && (ef == 0xEF06 || [0x05, 0x06].contains(c[2])) { return [0x69, 0x82] }
            let le = c.count > 4 ? Int(c[4]) : 0
            if le != 0 && le != record.count { return [0x6C, UInt8(record.count)] }
            return record + [0x90, 0x00]
        case (0x00, 0x84):
            challenge = (0..<8).map { UInt8($0 * 17) }
            return challenge! + [0x90, 0x00]
        case (0x00, 0x82):
            guard let challenge, let key = generation3Key else { return [0x69, 0x85] }
            let expected = testKeyCryptogram(key: key, challenge: challenge)
            guard Array(c[5...]) == expected else { return refusal }
            unlocked = true
            return [0x90, 0x00]
        case (0x00, 0x20):
            if pinTries == 0 { return [0x69, 0x83] }
            var digits = ""
            for byte in c[5...] {
                for nibble in [byte >> 4, byte & 0x0F] where nibble < 10 { digits += String(nibble) }
            }
            if digits == pin { pinTries = 3; return [0x90, 0x00] }
            pinTries -= 1
            return pinTries == 0 ? [0x69, 0x83] : [0x63, 0xC0 | UInt8(pinTries)]
        case (0x00, _): return [0x6D, 0x00]
        default: return [0x6E, 0x00]
        }
    }
}

/// The test-key scheme, written out independently of the reader's implementation.
func testKeyCryptogram(key: [UInt8], challenge: [UInt8]) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: challenge, using: SymmetricKey(data: key)).prefix(16))
}
