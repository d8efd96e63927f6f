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

    /// The key checks read a key's text and the decoder its tag as well: a tagged key would pass
    /// the checks unseen (a bundle's section the verifier never looked at), so tags are refused.
    @Test func taggedKeysAndValuesAreRefusedWithLine() {
        #expect(
            ConfigurationLoader.overlayProblems("!x kiosk:\n  locale: \"!!\"\n", file: "settings.yaml").contains {
                $0.hasPrefix("settings.yaml:1:") && $0.contains("tag")
            })
        for text in ["kiosk:\n  !!int locale: zh-CN\n", "kiosk:\n  locale: !x zh-CN\n"] {
            #expect {
                try ConfigurationLoader.parse(text, file: "site.yaml")
            } throws: { error in
                ((error as? KioskError)?.message ?? "").contains("site.yaml:2: the YAML tag")
            }
        }
        #expect((try? ConfigurationLoader.parse("kiosk:\n  locale: !!str zh-CN\n", file: "site.yaml")) != nil)
    }

    @Test func theShippedConfigurationsLoad() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        for name in ["kiosk.yaml", "demo.yaml"] {
            _ = try ConfigurationLoader.load(path: "/\(root)/kiosk-config/\(name)")
        }
    }
}
