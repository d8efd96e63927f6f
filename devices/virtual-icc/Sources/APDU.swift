/// A short command APDU (ISO 7816-3 cases 1-4). Extended length is not used by these cards.
public struct CommandAPDU: Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected response length; nil when the command has no Le, 256 for Le `00`.
    public var le: Int?

    /// Nil when the length bytes do not add up (the card answers 6700).
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        data = []
        le = nil
        if bytes.count == 4 { return }  // case 1
        let p3 = Int(bytes[4])
        if bytes.count == 5 {  // case 2
            le = p3 == 0 ? 256 : p3
        } else if p3 > 0 && bytes.count == 5 + p3 {  // case 3
            data = Array(bytes[5..<(5 + p3)])
        } else if p3 > 0 && bytes.count == 6 + p3 {  // case 4
            data = Array(bytes[5..<(5 + p3)])
            le = bytes[5 + p3] == 0 ? 256 : Int(bytes[5 + p3])
        } else {
            return nil
        }
    }
}

/// A response APDU: data then the status word.
public struct ResponseAPDU: Equatable, Sendable {
    public var data: [UInt8] = []
    public var sw: UInt16

    public init(_ sw: UInt16) { self.sw = sw }
    public init(data: [UInt8], sw: UInt16 = 0x9000) {
        self.data = data
        self.sw = sw
    }

    public var bytes: [UInt8] { data + [UInt8(sw >> 8), UInt8(sw & 0xFF)] }

    public static let ok = ResponseAPDU(0x9000)
    public static let wrongLength = ResponseAPDU(0x6700)
    public static let securityNotSatisfied = ResponseAPDU(0x6982)
    public static let pinBlocked = ResponseAPDU(0x6983)
    public static let conditionsNotSatisfied = ResponseAPDU(0x6985)
    public static let wrongData = ResponseAPDU(0x6A80)
    public static let fileNotFound = ResponseAPDU(0x6A82)
    public static let recordNotFound = ResponseAPDU(0x6A83)
    public static let wrongP1P2 = ResponseAPDU(0x6A86)
    public static let insNotSupported = ResponseAPDU(0x6D00)
    public static let claNotSupported = ResponseAPDU(0x6E00)
    public static func wrongLe(_ exact: Int) -> ResponseAPDU { ResponseAPDU(0x6C00 | UInt16(exact & 0xFF)) }
}
