import Foundation
import KioskConsole
import KioskCore
import KioskPrint

/// The files of a kiosk-config folder (the repository's, /etc/kioskd, or a bundle's), read and
/// validated together so a bad file stops the daemon at start with its name, never halfway
/// through a citizen's session: `services.json` (catalog), `guides/*.json`,
/// `locales/<locale>.json` (+ zh-CN), `keymap.json`, and the print templates
/// (`templates/*.json`, `locales/print.<locale>.json`). The one place that loads them.
public struct KioskConfigFiles: Sendable {
    public var catalog: ServiceCatalog
    public var guides: [ServiceGuide]
    public var texts: LocaleTexts
    public var keymap: KeyMap
    public var templates: PrintTemplates
    /// The other locales a citizen may choose (kiosk.languages), each complete.
    public var localized: [String: Localized] = [:]
    /// Why a locale of kiosk.languages is not offered (its files missing or incomplete): the
    /// kiosk still serves in its own, `kioskctl config validate` refuses it.
    public var languageProblems: [String] = []

    /// One locale's screens, guides and paper.
    public struct Localized: Sendable {
        public var texts: LocaleTexts
        public var guides: [ServiceGuide]
        public var templates: PrintTemplates
    }

    public init(catalog: ServiceCatalog, guides: [ServiceGuide], texts: LocaleTexts, keymap: KeyMap, templates: PrintTemplates) {
        self.catalog = catalog
        self.guides = guides
        self.texts = texts
        self.keymap = keymap
        self.templates = templates
    }

    /// Loads everything under `directory` (the kiosk-config folder) for `locale`, and for each
    /// of `languages` besides it. Every locale but zh-CN (the reference) must be complete: each
    /// screen text, printed text and guide that zh-CN has. The kiosk's own locale incomplete is
    /// an error; another one is left out, its problem in `languageProblems`.
    public static func load(directory: URL, locale: String, languages: [String] = []) throws -> KioskConfigFiles {
        let reference = try loadGuides(directory: directory.appendingPathComponent("guides"), locale: LocaleTexts.reference)
        func localized(_ locale: String) throws -> Localized {
            let texts = try LocaleTexts.load(directory: directory.appendingPathComponent("locales"), locale: locale)
            let missing = texts.missingKeys
            guard missing.isEmpty else {
                let shown = missing.prefix(12).joined(separator: ", ") + (missing.count > 12 ? " and \(missing.count - 12) more" : "")
                throw KioskError(.configuration, "locales/\(locale).json lacks \(missing.count) texts zh-CN has: \(shown)")
            }
            let guides =
                locale == LocaleTexts.reference
                ? reference : try loadGuides(directory: directory.appendingPathComponent("guides"), locale: locale)
            let lacking = Set(reference.map(\.id)).subtracting(guides.map(\.id)).sorted()
            guard lacking.isEmpty else {
                throw KioskError(
                    .configuration,
                    "guides: locale \(locale) lacks \(lacking.map { "guides/\($0).\(locale).json" }.joined(separator: ", "))")
            }
            return Localized(texts: texts, guides: guides, templates: try PrintTemplates.load(directory: directory.path, locale: locale))
        }
        let own = try localized(locale)
        var files = KioskConfigFiles(
            catalog: try ServiceCatalog(jsonData: try read(directory.appendingPathComponent("services.json"))),
            guides: own.guides, texts: own.texts,
            keymap: try KeyMap(jsonData: try read(directory.appendingPathComponent("keymap.json"))),
            templates: own.templates)
        for language in languages where language != locale && files.localized[language] == nil {
            do {
                files.localized[language] = try localized(language)
            } catch let error as KioskError {
                files.languageProblems.append("language \(language): \(error.message)")
            }
        }
        return files
    }

    /// The guides of `locale`, sorted by each guide's `order`; ids must be unique. zh-CN's are
    /// `guides/<name>.json`; another locale's `guides/<name>.<locale>.json` (flat, so a bundle
    /// carries them like any other file).
    public static func loadGuides(directory: URL, locale: String = LocaleTexts.reference) throws -> [ServiceGuide] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var guides: [ServiceGuide] = []
        for name in names.sorted() where name.hasSuffix(".json") && guideLocale(name) == locale {
            let guide = try KioskError.during("guides/\(name)") {
                try ServiceGuide(jsonData: try read(directory.appendingPathComponent(name)))
            }
            guard !guides.contains(where: { $0.id == guide.id }) else {
                throw KioskError(.configuration, "guides/\(name): id '\(guide.id)' used twice")
            }
            guides.append(guide)
        }
        return guides.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
    }

    /// `card-loss.json` → zh-CN, `card-loss.en.json` → en.
    static func guideLocale(_ name: String) -> String {
        let parts = name.split(separator: ".")
        return parts.count >= 3 ? String(parts[parts.count - 2]) : LocaleTexts.reference
    }

    static func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KioskError(.configuration, "missing file: \(url.path)")
        }
        return data
    }
}
