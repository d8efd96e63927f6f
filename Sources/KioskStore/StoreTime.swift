import Foundation

/// Times as the store writes them: RFC 3339 UTC with milliseconds ("2025-03-01T08:30:00.123Z").
/// One fixed width, so text order is time order and SQL can compare them as strings.
public enum StoreTime {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    public static func format(_ date: Date) -> String { style.format(date) }

    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }
}
