import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Times as the store writes them: RFC 3339 UTC with milliseconds ("2025-03-01T08:30:00.123Z").
/// One fixed width, so text order is time order and SQL can compare them as strings.
public enum StoreTime {
    /// Formatted by hand: this runs on every append, and Foundation's formatter costs more than
    /// the rest of an append's CPU work together.
    public static func format(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int(ms - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(0x30 + v % 10)
                v /= 10
            }
            out.append(contentsOf: digits)
        }
        put(Int(parts.tm_year) + 1900, 4)
        out.append(0x2D)
        put(Int(parts.tm_mon) + 1, 2)
        out.append(0x2D)
        put(Int(parts.tm_mday), 2)
        out.append(0x54)
        put(Int(parts.tm_hour), 2)
        out.append(0x3A)
        put(Int(parts.tm_min), 2)
        out.append(0x3A)
        put(Int(parts.tm_sec), 2)
        out.append(0x2E)
        put(millis, 3)
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }
}
