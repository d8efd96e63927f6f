import CoreFoundation
import Foundation

/// Encodes holder names the way the card stores them: GBK, which GB 18030 extends.
enum GBText {
    /// GB 18030 is a superset of GBK with identical one- and two-byte codes, so encoding with it
    /// gives GBK bytes for every GBK character. On Linux `import CoreFoundation` is needed for the
    /// CF names (Foundation alone does not re-export them); the value is 0x8000_0632.
    static let encoding = String.Encoding(
        rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))

    struct EncodingError: Error, CustomStringConvertible {
        var description: String
    }

    /// GBK bytes of `text`, character by character so a caller can split between characters.
    /// Characters outside GBK are refused, except CJK ideographs (rare name characters such as 㛃,
    /// U+36C3), which GB 18030 encodes in four bytes; cards issued for such names carry them so.
    static func encodeCharacters(_ text: String) throws(EncodingError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for character in text {
            let scalars = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
            guard let data = String(character).data(using: encoding, allowLossyConversion: false),
                String(data: data, encoding: encoding) == String(character)
            else {
                throw EncodingError(description: "character \(scalars) cannot be encoded in GB 18030")
            }
            let bytes = [UInt8](data)
            let isIdeograph = character.unicodeScalars.allSatisfy(\.properties.isIdeographic)
            guard bytes.count <= 2 || (bytes.count == 4 && isIdeograph) else {
                throw EncodingError(description: "character \(scalars) is not in GBK (nor a CJK ideograph GB 18030 encodes)")
            }
            guard !bytes.contains(0x00) else { throw EncodingError(description: "a name cannot contain NUL") }
            result.append(bytes)
        }
        return result
    }
}
