import Crypto
import Foundation
import KioskConfig

/// A bundle source folder (a copy of the repo's kiosk-config plus a settings.yaml), an operator
/// key, and a kiosk trust folder holding its public half, in a temp folder of their own.
struct ConfigBundleFixture {
    static let repoConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("kiosk-config")
    /// A fixed "now" so expiry never depends on the test clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let kioskId = "KIOSK-T-0001"

    let root: URL
    let source: URL
    let trust: URL
    let key: Curve25519.Signing.PrivateKey

    init(settings: String? = "hub:\n  url: https://hub.city.example/\nsession:\n  idleSeconds: 90\n") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bundle-\(UUID().uuidString.prefix(8))")
        source = root.appendingPathComponent("src")
        trust = root.appendingPathComponent("trust")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repoConfig, to: source)
        if let settings { try settings.write(to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8) }
        try BundleSigningKeys.generate(to: root.appendingPathComponent("ops").path)
        key = try BundleSigningKeys.loadPrivateKey(path: root.appendingPathComponent("ops.key").path)
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("ops.pub"), to: trust.appendingPathComponent("ops.pub"))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func write(_ text: String, to relative: String) throws {
        try text.write(to: source.appendingPathComponent(relative), atomically: true, encoding: .utf8)
    }

    func make(
        version: Int = 5, expires: Date = ConfigBundleFixture.now.addingTimeInterval(86400), targets: [String] = [kioskId],
        key: Curve25519.Signing.PrivateKey? = nil
    ) throws -> Data {
        try ConfigBundleSigner.make(
            directory: source, privateKey: key ?? self.key, version: version, expires: expires, targets: targets, now: Self.now)
    }

    func verify(
        _ data: Data, groups: [String] = [], highWaterMark: Int = 4, now: Date = ConfigBundleFixture.now
    ) throws(ConfigBundleRefusal) -> VerifiedConfigBundle {
        try ConfigBundleVerifier.verify(
            data, trustDirectory: trust.path, kioskId: Self.kioskId, groups: groups, highWaterMark: highWaterMark, now: now)
    }

    /// The refusal `verify` throws, or nil when it accepts.
    func refusal(_ data: Data, groups: [String] = [], highWaterMark: Int = 4, now: Date = ConfigBundleFixture.now) -> ConfigBundleRefusal? {
        do {
            _ = try verify(data, groups: groups, highWaterMark: highWaterMark, now: now)
            return nil
        } catch {
            return error
        }
    }

    /// The envelope as a JSON object, to take apart and put together again.
    static func envelope(_ data: Data) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: data)
    }

    static func encode(_ envelope: [String: String]) throws -> Data { try JSONEncoder().encode(envelope) }

    /// A manifest of the source's files, signed as given, with extra files appended.
    func signed(extra: [ConfigBundle.Manifest.File], version: Int = 5) throws -> Data {
        let good = try ConfigBundleFixture.envelope(try make(version: version))
        let bytes = Data(base64Encoded: good["manifest"] ?? "") ?? Data()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var manifest = try decoder.decode(ConfigBundle.Manifest.self, from: bytes)
        manifest.files += extra
        return try ConfigBundleSigner.sign(manifest: manifest, privateKey: key)
    }
}
