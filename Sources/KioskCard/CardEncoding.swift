import Foundation
import KioskCore

/// Decoding of the card's field encodings: one-byte-tag TLV records, GBK text, BCD digits.
enum CardEncoding {
    /// One record `tag | len | value`. The length must match the bytes present exactly.
    static func tlv(_ record: [UInt8], expectedTag: UInt8) throws(CardProtocolError) -> [UInt8] {
        guard record.count >= 2 else { throw CardProtocolError("record of \(record.count) bytes is not a TLV") }
        guard record[0] == expectedTag else {
            throw CardProtocolError(String(format: "record has tag %02X, expected %02X", record[0], expectedTag))
        }
        let length = Int(record[1])
        guard record.count == 2 + length else {
            throw CardProtocolError(
                String(format: "record %02X says %d bytes, carries %d", expectedTag, length, record.count - 2))
        }
        return Array(record[2...])
    }

    /// GB 18030 (a superset of GBK), so rare characters outside GBK still decode. The value is
    /// CFStringConvertEncodingToNSStringEncoding(kCFStringEncodingGB_18030_2000), which
    /// Foundation on Linux does not export by name.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// GBK text with its padding (0x00 for names, 0xFF for the extension) trimmed.
    static func gbk(_ bytes: [UInt8]) throws(CardProtocolError) -> String {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x00 || bytes[end - 1] == 0xFF || bytes[end - 1] == 0x20) { end -= 1 }
        guard end > 0 else { return "" }
        guard let text = String(data: Data(bytes[..<end]), encoding: gb18030) else {
            throw CardProtocolError("name bytes are not GBK text")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{FFFD}" }) else {
            throw CardProtocolError("name contains control or replacement characters")
        }
        return text
    }

    /// ASCII text (card number, SSN, sex). Decoded as characters, never as hex digits.
    static func ascii(_ bytes: [UInt8]) throws(CardProtocolError) -> String {
        let trimmed = bytes.prefix { $0 != 0x00 && $0 != 0xFF }
        guard trimmed.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw CardProtocolError("field is not ASCII") }
        return String(decoding: trimmed, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// Packed BCD digits ("20280301"); nil if any nibble is not a digit.
    static func bcd(_ bytes: [UInt8]) -> String? {
        var out = ""
        for b in bytes {
            let hi = b >> 4
            let lo = b & 0x0F
            guard hi < 10, lo < 10 else { return nil }
            out += "\(hi)\(lo)"
        }
        return out
    }

    static func date(_ bytes: [UInt8]) throws(CardProtocolError) -> CardDate {
        guard bytes.count == 4, let digits = bcd(bytes), let date = CardDate(digits: digits) else {
            throw CardProtocolError("date is not BCD YYYYMMDD: \(Hex.encode(bytes))")
        }
        return date
    }

    /// A PIN as packed BCD, odd length padded with F ("12345" → 12 34 5F).
    static func pinBlock(_ pin: String) -> [UInt8]? {
        let digits = pin.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == pin.count, (4...12).contains(digits.count) else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < digits.count {
            let hi = UInt8(digits[i])
            let lo: UInt8 = i + 1 < digits.count ? UInt8(digits[i + 1]) : 0x0F
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
