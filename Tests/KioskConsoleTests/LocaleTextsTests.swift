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

    /// The repository ships print texts in Chinese only (certificates are official documents):
    /// an English kiosk's folder adds its own, here a copy of the Chinese ones.
    @Test func theWholeConfigFolderLoads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-config-en-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.locales.deletingLastPathComponent(), to: folder)
        try FileManager.default.copyItem(
            at: folder.appendingPathComponent("locales/print.zh-CN.json"), to: folder.appendingPathComponent("locales/print.en.json"))
        let files = try KioskConfigFiles.load(directory: folder, locale: "en")
        #expect(files.catalog.enabled.count == 6)
        #expect(files.guides.map(\.id) == ["participation-certificate", "pension-qualification", "card-loss"])
        #expect(files.texts.locale == "en" && files.keymap.sequences[[0x0D]] == .enter)
    }
}
