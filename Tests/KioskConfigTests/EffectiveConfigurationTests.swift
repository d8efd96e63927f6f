import Foundation
import KioskConfig
import KioskCore
import Testing

@Suite struct EffectiveConfigurationTests {
    static let site = """
        kiosk:
          id: HALL-07-K3
          groups: [hall-7]
        hub:
          url: http://old-hub.example/
          timeoutSeconds: 7
        store:
          path: /var/lib/kioskd/hall7.sqlite
        session:
          idleSeconds: 45
          promptSeconds: 20
        files:
          directory: /etc/kioskd
        """

    /// The fixture's source folder as an applied bundle folder, and a site file beside it.
    func applied(_ f: ConfigBundleFixture) throws -> (site: String, folder: URL) {
        let folder = f.root.appendingPathComponent("config/v5")
        try ConfigBundleFiles.unpack(try f.verify(try f.make()), into: folder)
        let site = f.root.appendingPathComponent("kiosk.yaml").path
        try Self.site.write(toFile: site, atomically: true, encoding: .utf8)
        return (site, folder)
    }

    @Test func theBundleWinsKeyByKeyAndTheSiteKeepsWhatIsLocal() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let (site, folder) = try applied(f)
        let c = try EffectiveConfiguration.load(sitePath: site, bundleDirectory: folder.path)
        #expect(c.hub.url == "https://hub.city.example/")
        #expect(c.session.idleSeconds == 90)
        // Keys the bundle does not name stay as the site has them, in the same sections.
        #expect(c.hub.timeoutSeconds == 7)
        #expect(c.session.promptSeconds == 20)
        #expect(c.kiosk.id == "HALL-07-K3")
        #expect(c.kiosk.groups == ["hall-7"])
        #expect(c.store.path == "/var/lib/kioskd/hall7.sqlite")
        #expect(c.files.directory == folder.path)

        let alone = try EffectiveConfiguration.load(sitePath: site, bundleDirectory: nil)
        #expect(alone.hub.url == "http://old-hub.example/")
        #expect(alone.session.idleSeconds == 45)
        #expect(alone.files.directory == "/etc/kioskd")
    }

    @Test func aBundleFolderWithoutSettingsKeepsTheSiteSettings() throws {
        let f = try ConfigBundleFixture(settings: nil)
        defer { f.remove() }
        let (site, folder) = try applied(f)
        let c = try EffectiveConfiguration.load(sitePath: site, bundleDirectory: folder.path)
        #expect(c.hub.url == "http://old-hub.example/")
        #expect(c.files.directory == folder.path)
    }

    @Test func aMergedValueOutOfRangeNamesTheBundleFileAndLine() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let (site, folder) = try applied(f)
        // Written after verification, as a damaged disk would: the daemon must still say where.
        try "session:\n  cardLeftSeconds: 5\n".write(to: folder.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try EffectiveConfiguration.load(sitePath: site, bundleDirectory: folder.path)
        } throws: { error in
            let message = (error as? KioskError)?.message ?? ""
            return message.contains("settings.yaml:2: session.cardLeftSeconds")
        }
    }

    @Test func theValidatorReportsFileAndLineForABadSiteFile() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let path = f.root.appendingPathComponent("bad.yaml").path
        try "kiosk:\n  id: A\nhub:\n  url: ftp://x\n  timeout: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let problems = ConfigValidator.validate(path: path)
        #expect(
            problems == [
                "\(path):5: unknown key 'timeout' in section hub; allowed: caCertificate, clientCertificate, clientKey, heartbeatSeconds, timeoutSeconds, url"
            ])
        try "kiosk:\n  id: A\nhub:\n  url: ftp://x\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ConfigValidator.validate(path: path) == ["\(path):4: hub.url: an http:// or https:// URL"])
    }

    @Test func theShippedSiteFileAndAGoodBundleFolderValidate() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        #expect(ConfigValidator.validate(path: ConfigBundleFixture.repoConfig.appendingPathComponent("kiosk.yaml").path) == [])
        #expect(ConfigValidator.validate(path: f.source.path) == [])
        #expect(ConfigValidator.validate(path: ConfigBundleFixture.repoConfig.path) == [])
    }

    @Test func theValidatorNamesEveryProblemOfABundleFolder() throws {
        let f = try ConfigBundleFixture(settings: "kiosk:\n  id: X\n  hall: 新大厅\nhub:\n  timeoutSeconds: 999\n")
        defer { f.remove() }
        try f.write("{\n  \"digit1\": [\"1\"],\n  \"digit2\": 2\n}\n", to: "keymap.json")
        try f.write("{\n  \"services\": [\n    { \"id\": \"card-status\", \"order\": 1 },\n    nope\n  ]\n}\n", to: "services.json")
        let problems = ConfigValidator.validate(path: f.source.path)
        let base = f.source.path + "/"
        #expect(problems.contains { $0.hasPrefix(base + "settings.yaml:2: 'kiosk.id' is local to each kiosk") })
        #expect(problems.contains(base + "settings.yaml:5: hub.timeoutSeconds: 0.5 to 120"))
        #expect(problems.contains { $0.hasPrefix(base + "keymap.json:3: digit2: expected") })
        #expect(problems.contains { $0.hasPrefix(base + "services.json:4: not valid JSON") })
        #expect(problems.count == 4, "\(problems)")
    }
}
