/// A response APDU: data and the status word.
public struct ResponseAPDU: Sendable, Equatable {
    public var data: [UInt8]
    public var sw: UInt16

    public init(_ raw: [UInt8]) throws(CardProtocolError) {
        guard raw.count >= 2 else { throw CardProtocolError("response shorter than a status word (\(raw.count) bytes)") }
        data = Array(raw.dropLast(2))
        sw = UInt16(raw[raw.count - 2]) << 8 | UInt16(raw[raw.count - 1])
    }

    public init(data: [UInt8], sw: UInt16) {
        self.data = data
        self.sw = sw
    }

    public var sw1: UInt8 { UInt8(sw >> 8) }
    public var sw2: UInt8 { UInt8(sw & 0xFF) }
    public var isSuccess: Bool { sw == 0x9000 }
    public var status: StatusWord { StatusWord(sw) }
}

/// The status words a social security card uses, as outcomes a caller can switch on.
public enum StatusWord: Sendable, Equatable, CustomStringConvertible {
    case success
    case moreData(UInt8)  // 61xx
    case wrongLength(UInt8)  // 6Cxx: re-issue with Le = xx
    case wrongPIN(triesLeft: Int)  // 63Cx
    case verificationFailed  // 6300
    case wrongLc  // 6700
    case incompatibleFile  // 6981
    case securityNotSatisfied  // 6982
    case authenticationBlocked  // 6983
    case conditionsNotSatisfied  // 6985
    case fileNotFound  // 6A82
    case recordNotFound  // 6A83
    case incorrectP1P2  // 6A86
    case insNotSupported  // 6D00
    case claNotSupported  // 6E00
    case applicationBlocked  // 9303
    case other(UInt16)

    public init(_ sw: UInt16) {
        switch sw {
        case 0x9000: self = .success
        case 0x6100...0x61FF: self = .moreData(UInt8(sw & 0xFF))
        case 0x6C00...0x6CFF: self = .wrongLength(UInt8(sw & 0xFF))
        case 0x63C0...0x63CF: self = .wrongPIN(triesLeft: Int(sw & 0x0F))
        case 0x6300: self = .verificationFailed
        case 0x6700: self = .wrongLc
        case 0x6981: self = .incompatibleFile
        case 0x6982: self = .securityNotSatisfied
        case 0x6983: self = .authenticationBlocked
        case 0x6985: self = .conditionsNotSatisfied
        case 0x6A82: self = .fileNotFound
        case 0x6A83: self = .recordNotFound
        case 0x6A86: self = .incorrectP1P2
        case 0x6D00: self = .insNotSupported
        case 0x6E00: self = .claNotSupported
        case 0x9303: self = .applicationBlocked
        default: self = .other(sw)
        }
    }

    public var description: String {
        switch self {
        case .success: return "9000 success"
        case .moreData(let n): return "61\(hex(n)) more data"
        case .wrongLength(let n): return "6C\(hex(n)) wrong Le"
        case .wrongPIN(let n): return "63C\(n) wrong PIN, \(n) tries left"
        case .verificationFailed: return "6300 verification failed"
        case .wrongLc: return "6700 wrong length"
        case .incompatibleFile: return "6981 command incompatible with file"
        case .securityNotSatisfied: return "6982 security status not satisfied"
        case .authenticationBlocked: return "6983 blocked"
        case .conditionsNotSatisfied: return "6985 conditions of use not satisfied"
        case .fileNotFound: return "6A82 file not found"
        case .recordNotFound: return "6A83 record not found"
        case .incorrectP1P2: return "6A86 incorrect P1/P2"
        case .insNotSupported: return "6D00 instruction not supported"
        case .claNotSupported: return "6E00 class not supported"
        case .applicationBlocked: return "9303 application permanently blocked"
        case .other(let sw): return "\(hex(UInt8(sw >> 8)))\(hex(UInt8(sw & 0xFF))) unknown status"
        }
    }

    private func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
}

/// The card answered something the protocol does not allow (garbage, truncated TLV, wrong
/// lengths). Carries the detail for logs; callers show the citizen a plain message.
public struct CardProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
    public var description: String { detail }
}
