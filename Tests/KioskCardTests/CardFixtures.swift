import Foundation
import KioskCore

/// Card contents for the unit tests, built field by field as the card stores them.
enum CardFixtures {
    static func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] { [tag, UInt8(value.count)] + value }
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func gbk(_ s: String, length: Int, pad: UInt8) -> [UInt8] {
        let bytes = Array(s.data(using: String.Encoding(rawValue: 0x8000_0632))!)
        return bytes + [UInt8](repeating: pad, count: max(0, length - bytes.count))
    }
    static func bcd(_ digits: String) -> [UInt8] {
        let d = digits.compactMap(\.wholeNumberValue).map(UInt8.init)
        return stride(from: 0, to: d.count, by: 2).map { d[$0] << 4 | d[$0 + 1] }
    }

    static let identifier: [UInt8] = [0x11, 0x01, 0x00, 0xD1, 0x56, 0x00, 0x00, 0x05] + Array(1...8)

    static func records(
        generation: Int = 2, name: String = "张三", nameExtension: String? = nil,
        ssn: String = "11010519491231002X", expiry: String = "20280301"
    ) -> [UInt16: [UInt8: [UInt8]]] {
        var ef06: [UInt8: [UInt8]] = [
            0x08: tlv(0x08, ascii(ssn)),
            0x09: tlv(0x09, gbk(name, length: 30, pad: 0x00)),
            0x0A: tlv(0x0A, ascii("1")),
            0x0B: tlv(0x0B, [0x01]),
            0x0C: tlv(0x0C, bcd("110105")),
            0x0D: tlv(0x0D, bcd("19491231")),
        ]
        if let nameExtension { ef06[0x4E] = tlv(0x4E, gbk(nameExtension, length: 20, pad: 0xFF)) }
        return [
            0xEF05: [
                0x01: tlv(0x01, identifier),
                0x02: tlv(0x02, ascii("3")),
                0x03: tlv(0x03, ascii("\(generation).00")),
                0x04: tlv(0x04, [UInt8](repeating: 0x11, count: 12)),
                0x05: tlv(0x05, bcd("20180301")),
                0x06: tlv(0x06, bcd(expiry)),
                0x07: tlv(0x07, ascii("X00000019")),
            ],
            0xEF06: ef06,
        ]
    }
}
