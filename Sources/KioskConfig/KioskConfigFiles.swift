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

    public init(catalog: ServiceCatalog, guides: [ServiceGuide], texts: LocaleTexts, keymap: KeyMap, templates: PrintTemplates) {
        self.catalog = catalog
        self.guides = guides
        self.texts = texts
        self.keymap = keymap
        self.templates = templates
    }

    /// Loads everything under `directory` (the kiosk-config folder) for `locale`.
    public static func load(directory: URL, locale: String) throws -> KioskConfigFiles {
        KioskConfigFiles(
            catalog: try ServiceCatalog(jsonData: try read(directory.appendingPathComponent("services.json"))),
            guides: try loadGuides(directory: directory.appendingPathComponent("guides")),
            texts: try LocaleTexts.load(directory: directory.appendingPathComponent("locales"), locale: locale),
            keymap: try KeyMap(jsonData: try read(directory.appendingPathComponent("keymap.json"))),
            templates: try PrintTemplates.load(directory: directory.path, locale: locale))
    }

    /// Every `*.json` in `directory`, sorted by each guide's `order`; ids must be unique.
    public static func loadGuides(directory: URL) throws -> [ServiceGuide] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var guides: [ServiceGuide] = []
        for name in names.sorted() where name.hasSuffix(".json") {
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

    static func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KioskError(.configuration, "missing file: \(url.path)")
        }
        return data
    }
}
