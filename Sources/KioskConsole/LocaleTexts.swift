import Foundation
import KioskCore

/// The citizen screens' words, by key, from kiosk-config/locales/<locale>.json: a flat JSON
/// object of key → text, `{name}` placeholders filled at render time. zh-CN is the reference:
/// a key missing in another locale falls back to zh-CN, and a key missing everywhere shows as
/// itself (visible in a snapshot, never a crash on a kiosk).
public struct LocaleTexts: Sendable, Equatable {
    public let locale: String
    public let texts: [String: String]
    public let fallback: [String: String]

    public static let reference = "zh-CN"

    public init(locale: String, texts: [String: String], fallback: [String: String] = [:]) {
        self.locale = locale
        self.texts = texts
        self.fallback = fallback
    }

    public func callAsFunction(_ key: String, _ args: [String: String] = [:]) -> String {
        var text = texts[key] ?? fallback[key] ?? key
        for (name, value) in args { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    public func has(_ key: String) -> Bool { texts[key] != nil || fallback[key] != nil }

    /// The reference's keys this locale does not translate, sorted (none for the reference).
    public var missingKeys: [String] { fallback.keys.filter { texts[$0] == nil }.sorted() }

    /// The texts the session engine prints on receipts (`SessionSettings.receiptTexts`).
    public var receiptTexts: [String: String] { fallback.merging(texts) { _, own in own } }

    /// Decodes one locale file: a flat object of strings.
    public static func decode(_ data: Data, name: String) throws -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: data)
        } catch {
            throw KioskError(.configuration, "locales/\(name).json: a flat JSON object of key → text (\(error))")
        }
    }

    /// Loads `<directory>/<locale>.json` with zh-CN behind it.
    public static func load(directory: URL, locale: String) throws -> LocaleTexts {
        func read(_ name: String) throws -> [String: String] {
            let url = directory.appendingPathComponent("\(name).json")
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw KioskError(.configuration, "locale file missing: \(url.path)")
            }
            return try decode(data, name: name)
        }
        let reference = try read(Self.reference)
        if locale == Self.reference { return LocaleTexts(locale: locale, texts: reference) }
        return LocaleTexts(locale: locale, texts: try read(locale), fallback: reference)
    }
}
