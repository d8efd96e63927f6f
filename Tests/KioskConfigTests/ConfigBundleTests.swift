import Crypto
import Foundation
import KioskConfig
import Testing

@Suite struct ConfigBundleTests {
    @Test func aSignedBundleFromKioskConfigIsAccepted() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let data = try f.make(version: 5)
        let bundle = try f.verify(data)
        #expect(bundle.version == 5)
        #expect(bundle.targets == [ConfigBundleFixture.kioskId])
        #expect(bundle.keyId == BundleSigningKeys.keyId(privateKey: f.key))
        #expect(bundle.sha256.count == 64 && bundle.sha256 == bundle.sha256.lowercased())
        let services = try Data(contentsOf: f.source.appendingPathComponent("services.json"))
        #expect(bundle.files["services.json"] == services)
        #expect(bundle.files["locales/zh-CN.json"] == (try Data(contentsOf: f.source.appendingPathComponent("locales/zh-CN.json"))))
        #expect(bundle.files["settings.yaml"] != nil)
        #expect(bundle.files["templates/receipt.json"] != nil && bundle.files["guides/card-loss.json"] != nil)
        // Only what a files.directory holds travels: no site file, no examples, no systemd unit.
        #expect(bundle.files.keys.allSatisfy { !$0.hasSuffix(".yaml") || $0 == "settings.yaml" })
        #expect(!bundle.files.keys.contains { $0.hasPrefix("examples/") || $0.hasPrefix("systemd/") })
    }

    @Test func aTamperedManifestOrSignatureIsRefused() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        var envelope = try ConfigBundleFixture.envelope(try f.make())
        let original = envelope

        var manifest = try #require(Data(base64Encoded: envelope["manifest"] ?? ""))
        manifest[manifest.count / 2] ^= 0x01
        envelope["manifest"] = manifest.base64EncodedString()
        #expect(f.refusal(try ConfigBundleFixture.encode(envelope)) == .badSignature)

        envelope = original
        var signature = try #require(Data(base64Encoded: envelope["signature"] ?? ""))
        signature[10] ^= 0x80
        envelope["signature"] = signature.base64EncodedString()
        #expect(f.refusal(try ConfigBundleFixture.encode(envelope)) == .badSignature)
        #expect(ConfigBundleRefusal.badSignature.description.hasPrefix("refused: "))
    }

    @Test func anUnsignedBundleIsRefused() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        var envelope = try ConfigBundleFixture.envelope(try f.make())
        envelope["signature"] = nil
        #expect(f.refusal(try ConfigBundleFixture.encode(envelope)) == .unsigned)
        envelope = try ConfigBundleFixture.envelope(try f.make())
        envelope["keyId"] = ""
        #expect(f.refusal(try ConfigBundleFixture.encode(envelope)) == .unsigned)
    }

    @Test func aBundleSignedByAnUntrustedKeyIsRefused() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let stranger = Curve25519.Signing.PrivateKey()
        let refusal = f.refusal(try f.make(key: stranger))
        #expect(refusal == .untrustedKey(keyId: BundleSigningKeys.keyId(stranger.publicKey)))
        #expect(refusal?.description.contains("does not trust") == true)
    }

    @Test func anExpiredBundleIsRefused() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let expires = ConfigBundleFixture.now.addingTimeInterval(3600)
        let data = try f.make(expires: expires)
        #expect(f.refusal(data) == nil)
        #expect(f.refusal(data, now: expires.addingTimeInterval(1)) == .expired(expires))
    }

    /// A kiosk clock hours off (a drifted RTC, a wrong NTP answer) is judged against the expiry
    /// only: hours behind, a bundle made "in its future" is taken; hours ahead, it is refused once
    /// past its expiry, and said so. An old bundle replayed to a clock set back is refused by its
    /// version, whatever the time.
    @Test func aKioskClockHoursOffIsJudgedOnlyAgainstTheExpiry() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let expires = ConfigBundleFixture.now.addingTimeInterval(3600)
        let data = try f.make(version: 6, expires: expires)
        #expect(f.refusal(data, now: ConfigBundleFixture.now.addingTimeInterval(-5 * 3600)) == nil)
        #expect(f.refusal(data, now: ConfigBundleFixture.now.addingTimeInterval(5 * 3600)) == .expired(expires))
        let old = try f.make(version: 3)
        #expect(
            f.refusal(old, highWaterMark: 5, now: ConfigBundleFixture.now.addingTimeInterval(-3 * 86400))
                == .notNewer(version: 3, current: 5))
    }

    @Test func anOlderOrEqualVersionIsRefused() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        #expect(f.refusal(try f.make(version: 5), highWaterMark: 5) == .notNewer(version: 5, current: 5))
        #expect(f.refusal(try f.make(version: 3), highWaterMark: 5) == .notNewer(version: 3, current: 5))
        #expect(f.refusal(try f.make(version: 6), highWaterMark: 5) == nil)
    }

    @Test func targetingByKioskIdOrGroup() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let other = try f.make(targets: ["KIOSK-OTHER", "hall-9"])
        #expect(f.refusal(other, groups: ["hall-7"]) == .notTargeted(targets: ["KIOSK-OTHER", "hall-9"]))
        let group = try f.make(targets: ["KIOSK-OTHER", "hall-7"])
        #expect(f.refusal(group, groups: ["north", "hall-7"]) == nil)
        #expect(f.refusal(group) == .notTargeted(targets: ["KIOSK-OTHER", "hall-7"]))
    }

    @Test func truncatedOversizedAndNonJSONFilesAreMalformed() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let data = try f.make()
        for bad in [data.prefix(data.count / 2), Data("not json at all".utf8), Data(count: ConfigBundle.maximumSize + 1)] {
            guard case .malformed = f.refusal(Data(bad)) else {
                Issue.record("expected malformed for \(bad.count) bytes, got \(String(describing: f.refusal(Data(bad))))")
                continue
            }
        }
        var envelope = try ConfigBundleFixture.envelope(data)
        envelope["format"] = "kioskd-config-bundle/9"
        guard case .malformed(let why) = f.refusal(try ConfigBundleFixture.encode(envelope)) else {
            Issue.record("a wrong format must be malformed")
            return
        }
        #expect(why.contains("kioskd-config-bundle/1"))
    }

    @Test func unsafePathsAndWrongDigestsAreMalformed() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let content = Data("{}".utf8)
        let digest = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        for path in ["../evil.json", "/etc/passwd", "", "guides/../../x.json"] {
            let data = try f.signed(extra: [.init(path: path, sha256: digest, content: content.base64EncodedString())])
            guard case .malformed(let why) = f.refusal(data) else {
                Issue.record("path '\(path)' must be refused as malformed")
                continue
            }
            #expect(why.contains("unsafe path"))
        }
        let wrong = try f.signed(extra: [.init(path: "guides/x.json", sha256: String(repeating: "0", count: 64), content: "e30=")])
        guard case .malformed(let why) = f.refusal(wrong) else {
            Issue.record("a wrong sha256 must be refused as malformed")
            return
        }
        #expect(why.contains("guides/x.json") && why.contains("sha256"))
    }

    @Test func settingsWithALocalOnlyKeyAreInvalidContent() throws {
        let f = try ConfigBundleFixture(settings: "hub:\n  url: https://hub.city.example/\nstore:\n  path: /tmp/other.sqlite\n")
        defer { f.remove() }
        guard case .invalidContent(let message) = f.refusal(try f.make()) else {
            Issue.record("a bundle that sets store.path must be refused")
            return
        }
        #expect(message.contains("settings.yaml:3:"))
        #expect(message.contains("'store' is local to each kiosk"))
        #expect(message.contains("hub.url, hub.timeoutSeconds, session.*"))
    }

    @Test func aBundleWithoutServicesJSONIsInvalidContent() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        try FileManager.default.removeItem(at: f.source.appendingPathComponent("services.json"))
        guard case .invalidContent(let message) = f.refusal(try f.make()) else {
            Issue.record("a bundle without services.json must be refused")
            return
        }
        #expect(message.contains("services.json: missing"))
    }

    @Test func aBadConfigFileIsInvalidContentWithLineAndPath() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        try f.write("{\n  \"widthMm\": \"eighty\",\n  \"marginMm\": 4\n}\n", to: "templates/receipt.json")
        guard case .invalidContent(let message) = f.refusal(try f.make()) else {
            Issue.record("a receipt template with a text width must be refused")
            return
        }
        #expect(message.contains("templates/receipt.json:2: widthMm: expected"))
    }

    @Test func unpackWritesEveryFileAndNothingOutside() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let bundle = try f.verify(try f.make())
        let folder = f.root.appendingPathComponent("applied/v5")
        try ConfigBundleFiles.unpack(bundle, into: folder)
        for (path, data) in bundle.files {
            #expect(FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) == data, "\(path)")
        }
        let evil = VerifiedConfigBundle(
            version: 6, createdAt: .now, expires: .now, targets: [], keyId: "", sha256: "", files: ["../escaped.json": Data("{}".utf8)])
        #expect(throws: (any Error).self) { try ConfigBundleFiles.unpack(evil, into: f.root.appendingPathComponent("applied/v6")) }
        #expect(!FileManager.default.fileExists(atPath: f.root.appendingPathComponent("applied/escaped.json").path))
    }

    @Test func keysAreWrittenPrivatelyNeverOverwrittenAndTrustedByKeyId() throws {
        let f = try ConfigBundleFixture()
        defer { f.remove() }
        let base = f.root.appendingPathComponent("ops").path
        let attributes = try FileManager.default.attributesOfItem(atPath: base + ".key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: (any Error).self) { try BundleSigningKeys.generate(to: base) }
        try "not a key\n".write(to: f.trust.appendingPathComponent("junk.pub"), atomically: true, encoding: .utf8)
        let trusted = BundleSigningKeys.trusted(directory: f.trust.path)
        #expect(Array(trusted.keys) == [BundleSigningKeys.keyId(privateKey: f.key)])
        #expect(BundleSigningKeys.keyId(privateKey: f.key).count == 16)
        #expect(BundleSigningKeys.trusted(directory: f.root.appendingPathComponent("nowhere").path).isEmpty)
    }
}
