import KioskConfig
import KioskCore
import Testing

@Suite struct ConfigurationLoaderTests {
    @Test func aSiteFileNamesOnlyWhatDiffers() throws {
        let c = try ConfigurationLoader.parse(
            """
            kiosk:
              id: HALL-07
            hub:
              url: https://hub.example/
            """, file: "site.yaml")
        #expect(c.kiosk.id == "HALL-07")
        #expect(c.hub.url == "https://hub.example/")
        #expect(c.printers.receipt == "kiosk-receipt")
    }

    @Test func unknownKeysAreRefusedWithLineAndAllowedKeys() {
        #expect {
            try ConfigurationLoader.parse("kiosk:\n  id: A\n  idd: B\n", file: "site.yaml")
        } throws: { error in
            let message = (error as? KioskError)?.message ?? ""
            return message.contains("site.yaml:3") && message.contains("unknown key 'idd'")
                && message.contains("allowed: groups, hall, id, languages, locale")
        }
    }

    @Test func wrongTypesAndInvalidValuesAreRefusedWithLine() {
        #expect {
            try ConfigurationLoader.parse("hub:\n  url: ftp://x\n", file: "site.yaml")
        } throws: { error in
            ((error as? KioskError)?.message ?? "").contains("site.yaml:2: hub.url")
        }
        #expect {
            try ConfigurationLoader.parse("hub:\n  timeoutSeconds: [1]\n", file: "site.yaml")
        } throws: { error in
            ((error as? KioskError)?.message ?? "").contains("hub.timeoutSeconds")
        }
    }

    @Test func malformedYAMLIsAClearError() {
        #expect(throws: KioskError.self) {
            try ConfigurationLoader.parse("kiosk: [\n", file: "broken.yaml")
        }
    }

    @Test func theShippedConfigurationsLoad() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        for name in ["kiosk.yaml", "demo.yaml"] {
            _ = try ConfigurationLoader.load(path: "/\(root)/kiosk-config/\(name)")
        }
    }
}
