/// How long a real card's I/O line takes to carry an exchange: vpcd hands APDUs over a socket in
/// microseconds, while a card without TA1 in its ATR talks at 9600 baud, about 1.25 ms a byte.
/// A benchmark against a virtual card that answers at once would not feel what each APDU costs.
public struct CardTiming: Sendable, Equatable {
    /// The time one character takes on the line, guard time included; 0: answer at once.
    public var byteMicroseconds: Int
    /// Bytes a protocol adds to every exchange besides the APDU's own: T=0's procedure byte, or
    /// T=1's prologue and epilogue of both blocks.
    public var overheadBytes: Int

    /// What the command line asked for.
    public enum Choice: Sendable, Equatable {
        case instant
        case perByte(microseconds: Int)
        case fromATR
    }

    public init(byteMicroseconds: Int, overheadBytes: Int) {
        self.byteMicroseconds = byteMicroseconds
        self.overheadBytes = overheadBytes
    }

    public init(_ choice: Choice, atr: [UInt8]) {
        let overhead = Self.protocolIsT1(atr) ? 8 : 1
        switch choice {
        case .instant: self.init(byteMicroseconds: 0, overheadBytes: overhead)
        case .perByte(let us): self.init(byteMicroseconds: us, overheadBytes: overhead)
        case .fromATR: self.init(byteMicroseconds: Self.byteMicroseconds(atr: atr), overheadBytes: overhead)
        }
    }

    /// The time the line is busy with one command and its answer: header and data both ways,
    /// the status word, and the protocol's own bytes.
    public func microseconds(command: Int, response: Int) -> Int {
        byteMicroseconds == 0 ? 0 : (command + response + overheadBytes) * byteMicroseconds
    }

    /// ISO/IEC 7816-3: the clock-rate conversion factor Fi and the baud-rate adjustment Di that
    /// TA1 indexes; without TA1, Fi = 372 and Di = 1.
    static let fi: [Int?] = [372, 372, 558, 744, 1116, 1488, 1860, nil, nil, 512, 768, 1024, 1536, 2048, nil, nil]
    static let di: [Int?] = [nil, 1, 2, 4, 8, 16, 32, 64, 12, 20, nil, nil, nil, nil, nil, nil]
    /// The reader's clock: 3.5712 MHz is the usual one, and gives exactly 9600 baud at Fi/Di 372/1.
    static let clockHz = 3_571_200.0

    /// One character: 10 bits and 2 elementary time units of guard time, plus TC1's extra
    /// guard time; TC1 = 255 is the shortest the protocol allows (11 units in all, T=1's).
    static func byteMicroseconds(atr: [UInt8]) -> Int {
        var fi = 372
        var di = 1
        var units = 12
        if atr.count >= 2 {
            let t0 = atr[1]
            var index = 2
            if t0 & 0x10 != 0, index < atr.count {
                let ta1 = atr[index]
                if let f = Self.fi[Int(ta1 >> 4)], let d = Self.di[Int(ta1 & 0x0F)] { (fi, di) = (f, d) }
                index += 1
            }
            if t0 & 0x20 != 0 { index += 1 }
            if t0 & 0x40 != 0, index < atr.count { units = atr[index] == 0xFF ? 11 : 12 + Int(atr[index]) }
        }
        let etuMicroseconds = Double(fi) / Double(di) / clockHz * 1_000_000
        return Int((Double(units) * etuMicroseconds).rounded())
    }

    /// T=1 when TD1 offers it first; a card without TD1 speaks T=0.
    static func protocolIsT1(_ atr: [UInt8]) -> Bool {
        guard atr.count >= 2 else { return false }
        let t0 = atr[1]
        guard t0 & 0x80 != 0 else { return false }
        let index = 2 + [0x10, 0x20, 0x40].filter { t0 & UInt8($0) != 0 }.count
        return index < atr.count && atr[index] & 0x0F == 1
    }
}

extension ArgumentCursor {
    /// `--byte-us N` and `--baud-from-atr`, shared by every virtual card: nil when `flag` is
    /// neither.
    public mutating func timing(_ flag: String) throws(UsageError) -> CardTiming.Choice? {
        switch flag {
        case "--byte-us": return .perByte(microseconds: try number(flag))
        case "--baud-from-atr": return .fromATR
        default: return nil
        }
    }
}
