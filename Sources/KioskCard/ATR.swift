import KioskCore

/// An answer to reset parsed per ISO/IEC 7816-3: TS, T0, the interface bytes TA/TB/TC/TD of
/// each group, the protocols the card offers, the historical bytes, and TCK when present.
/// Parsed by walking the Y (presence) nibbles, never by slicing at fixed offsets.
public struct ATR: Sendable, Equatable {
    public struct InterfaceGroup: Sendable, Equatable {
        public var ta: UInt8?
        public var tb: UInt8?
        public var tc: UInt8?
        public var td: UInt8?
        /// The protocol TD of the previous group announced for this group (0 for group 1).
        public var protocolNumber: Int
    }

    public var bytes: [UInt8]
    /// 0x3B direct convention, 0x3F inverse.
    public var ts: UInt8
    public var t0: UInt8
    public var groups: [InterfaceGroup]
    public var historicalBytes: [UInt8]
    public var tck: UInt8?

    /// Protocols offered (T=0 when no TD says otherwise), in order, without repeats.
    public var protocols: [Int] {
        var result: [Int] = []
        for group in groups {
            if let td = group.td {
                let t = Int(td & 0x0F)
                if t != 15 && !result.contains(t) { result.append(t) }
            }
        }
        return result.isEmpty ? [0] : result
    }

    public enum ParseError: Error, Equatable, Sendable {
        case tooShort
        case badTS(UInt8)
        case truncated(expected: Int, got: Int)
        case trailingBytes(Int)
        case badChecksum
    }

    public init(_ bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 2 else { throw .tooShort }
        guard bytes[0] == 0x3B || bytes[0] == 0x3F else { throw .badTS(bytes[0]) }
        self.bytes = bytes
        ts = bytes[0]
        t0 = bytes[1]
        var index = 2
        var groups: [InterfaceGroup] = []
        var y = t0 >> 4
        var protocolNumber = 0
        var needsTCK = false
        while true {
            var group = InterfaceGroup(protocolNumber: protocolNumber)
            func next() throws(ParseError) -> UInt8 {
                guard index < bytes.count else { throw .truncated(expected: index + 1, got: bytes.count) }
                defer { index += 1 }
                return bytes[index]
            }
            if y & 0x1 != 0 { group.ta = try next() }
            if y & 0x2 != 0 { group.tb = try next() }
            if y & 0x4 != 0 { group.tc = try next() }
            if y & 0x8 != 0 { group.td = try next() }
            groups.append(group)
            guard let td = group.td else { break }
            protocolNumber = Int(td & 0x0F)
            if protocolNumber != 0 { needsTCK = true }
            y = td >> 4
        }
        let historicalCount = Int(t0 & 0x0F)
        guard index + historicalCount <= bytes.count else {
            throw .truncated(expected: index + historicalCount, got: bytes.count)
        }
        historicalBytes = Array(bytes[index..<(index + historicalCount)])
        index += historicalCount
        if needsTCK {
            guard index < bytes.count else { throw .truncated(expected: index + 1, got: bytes.count) }
            tck = bytes[index]
            // TCK makes the XOR of T0 … TCK zero.
            guard bytes[1...index].reduce(0, ^) == 0 else { throw .badChecksum }
            index += 1
        } else {
            tck = nil
        }
        guard index == bytes.count else { throw .trailingBytes(bytes.count - index) }
        self.groups = groups
    }

    public var hex: String { Hex.encode(bytes) }
}
