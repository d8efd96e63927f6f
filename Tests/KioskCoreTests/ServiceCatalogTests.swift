import Foundation
import KioskCore
import Testing

/// The catalog and guides as shipped in kiosk-config.
@Suite struct ServiceCatalogTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../kiosk-config")
        .standardized

    @Test func shippedCatalogIsTheStandardOne() throws {
        let data = try Data(contentsOf: Self.config.appendingPathComponent("services.json"))
        let catalog = try ServiceCatalog(jsonData: data)
        #expect(catalog.enabled.map(\.id) == ServiceCatalog.standard.enabled.map(\.id))
        #expect(catalog.definition(.pensionPayments)?.pinRequired == true)
        #expect(catalog.definition(.participationCertificate)?.needs == [.hub, .certificatePrinter])
    }

    @Test func unknownOrDuplicateServicesAreRefused() {
        #expect(throws: KioskError.self) { try ServiceCatalog(jsonData: Data(#"{"services":[{"id":"lottery","order":1}]}"#.utf8)) }
        #expect(throws: KioskError.self) {
            try ServiceCatalog(jsonData: Data(#"{"services":[{"id":"card-status","order":1},{"id":"card-status","order":2}]}"#.utf8))
        }
    }

    @Test func shippedGuidesHaveEverySection() throws {
        let folder = Self.config.appendingPathComponent("guides")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 3)
        for name in names {
            let guide = try ServiceGuide(jsonData: try Data(contentsOf: folder.appendingPathComponent(name)))
            #expect(ServiceGuide.Section.allCases.allSatisfy { !guide.items($0).isEmpty })
        }
    }

    @Test func guideMissingASectionIsRefused() {
        let json = #"{"id":"x","order":1,"title":"t","conditions":[],"materials":["a"],"steps":["s"],"timeLimit":"即时","channels":["c"]}"#
        #expect(throws: KioskError.self) { try ServiceGuide(jsonData: Data(json.utf8)) }
    }
}
