import Foundation
import KioskConfig
import KioskConsole
import KioskCore
import Testing

@Suite struct LocaleTextsTests {
    static let locales = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../kiosk-config/locales")
        .standardized

    static func keys(_ name: String) throws -> Set<String> {
        Set(try LocaleTexts.decode(Data(contentsOf: locales.appendingPathComponent("\(name).json")), name: name).keys)
    }

    @Test func zhCNAndEnglishHaveTheSameKeys() throws {
        let zh = try Self.keys("zh-CN")
        let en = try Self.keys("en")
        #expect(zh.subtracting(en).sorted() == [], "missing in en")
        #expect(en.subtracting(zh).sorted() == [], "missing in zh-CN")
    }

    @Test func englishFallsBackToChineseForAMissingKey() {
        let texts = LocaleTexts(locale: "en", texts: ["a": "A {n}"], fallback: ["a": "甲", "b": "乙"])
        #expect(texts("a", ["n": "1"]) == "A 1")
        #expect(texts("b") == "乙")
        #expect(texts("c") == "c")
    }

    @Test func everyServiceAndReasonHasItsText() throws {
        let texts = try LocaleTexts.load(directory: Self.locales, locale: "zh-CN")
        for service in ServiceID.known { #expect(texts.has("service.\(service.rawValue)")) }
        for condition in PrinterCondition.allCases { #expect(texts.has("printer.\(condition.rawValue)")) }
        for status in ["active", "lost", "suspended", "cancelled"] { #expect(texts.has("cardStatus.\(status)")) }
        for score in 1...5 { #expect(texts.has("rating.\(score)")) }
        for section in ServiceGuide.Section.allCases { #expect(texts.has("guide.section.\(section.rawValue)")) }
    }

    /// The repository's folder, for an English kiosk offering Chinese too: every locale
    /// complete (screens, guides, paper).
    @Test func theWholeConfigFolderLoadsInEveryLanguage() throws {
        let folder = Self.locales.deletingLastPathComponent()
        let files = try KioskConfigFiles.load(directory: folder, locale: "en", languages: ["zh-CN", "en"])
        #expect(files.languageProblems.isEmpty, "\(files.languageProblems)")
        #expect(files.catalog.enabled.count == 6)
        #expect(files.guides.map(\.id) == ["participation-certificate", "pension-qualification", "card-loss"])
        #expect(files.guides.first?.title.hasPrefix("Printing") == true)
        #expect(files.localized["zh-CN"]?.guides.first?.title == "社会保险参保证明打印")
        #expect(files.templates.texts.receipt["title"] == "Service Receipt")
        #expect(files.texts.locale == "en" && files.keymap.sequences[[0x0D]] == .enter)
        #expect(files.keymap.sequences[Array("#".utf8)] == .language)
    }

    /// A new language is data only; one with texts, a guide or paper missing is not offered, and
    /// says which.
    @Test func anIncompleteLanguageIsNotOfferedAndNamesWhatIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-config-ug-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.locales.deletingLastPathComponent(), to: folder)
        var texts = try JSONDecoder().decode(
            [String: String].self, from: Data(contentsOf: folder.appendingPathComponent("locales/en.json")))
        texts["attract.welcome"] = nil
        texts["menu.title"] = nil
        try JSONEncoder().encode(texts).write(to: folder.appendingPathComponent("locales/ug.json"))
        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("locales/print.en.json"), to: folder.appendingPathComponent("locales/print.ug.json"))
        let files = try KioskConfigFiles.load(directory: folder, locale: "zh-CN", languages: ["zh-CN", "ug"])
        #expect(files.localized["ug"] == nil)
        #expect(
            files.languageProblems.count == 1 && files.languageProblems[0].contains("attract.welcome")
                && files.languageProblems[0].contains("menu.title"), "\(files.languageProblems)")
        #expect(throws: KioskError.self) { try KioskConfigFiles.load(directory: folder, locale: "ug") }
        texts["attract.welcome"] = "—"
        texts["menu.title"] = "—"
        try JSONEncoder().encode(texts).write(to: folder.appendingPathComponent("locales/ug.json"))
        let guides = try KioskConfigFiles.load(directory: folder, locale: "zh-CN", languages: ["ug"])
        #expect(guides.languageProblems.first?.contains("guides/card-loss.ug.json") == true, "\(guides.languageProblems)")
    }
}
