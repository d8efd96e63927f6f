// Hex text <-> bytes. Profiles and the APDU log use hex; nothing else is needed.

public enum Hex {
    /// Upper-case hex without separators, as the log and the docs write APDUs.
    public static func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex, ignoring spaces so profiles may group bytes for readability. Nil if malformed.
    public static func bytes(_ text: String) -> [UInt8]? {
        let digits = text.unicodeScalars.filter { $0 != " " }
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for scalar in digits {
            guard let nibble = UInt8(String(scalar), radix: 16) else { return nil }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}
