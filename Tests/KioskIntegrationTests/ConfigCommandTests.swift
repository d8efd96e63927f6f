import Foundation
import KioskConfig
import KioskDaemon
import Testing

/// `kioskctl config keygen|bundle|validate` as operations run them: files in, files out, exit codes.
@Suite(.tags(.integration)) struct ConfigCommandTests {
    let folder: URL
    var source: URL { folder.appendingPathComponent("src") }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-config-cmd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Rigs.repo.appendingPathComponent("kiosk-config"), to: source)
        try "hub:\n  url: https://hub.city.example/\n".write(
            to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func keygenBundleAndValidate() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let keygen = try await Rigs.run("kioskctl", ["config", "keygen", "--out", path("ops")])
        #expect(keygen.exitCode == 0, "\(keygen.stderr)")
        #expect(keygen.stdout.contains("keyId "))
        let mode = try FileManager.default.attributesOfItem(atPath: path("ops.key"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let again = try await Rigs.run("kioskctl", ["config", "keygen", "--out", path("ops")])
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("exists"))

        let valid = try await Rigs.run("kioskctl", ["config", "validate", source.path])
        #expect(valid.exitCode == 0, "\(valid.stdout)")
        let site = try await Rigs.run("kioskctl", ["config", "validate", Rigs.repo.appendingPathComponent("kiosk-config/kiosk.yaml").path])
        #expect(site.exitCode == 0, "\(site.stdout)")

        let bundle = try await Rigs.run(
            "kioskctl",
            [
                "config", "bundle", source.path, "--key", path("ops.key"), "--version", "2", "--expires", "+30d",
                "--target", "KIOSK-T-0001", "--target", "hall-7", "--out", path("v2.json"),
            ])
        #expect(bundle.exitCode == 0, "\(bundle.stdout)\(bundle.stderr)")
        // A kiosk that trusts ops.pub takes it.
        let trust = folder.appendingPathComponent("trust")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path("ops.pub"), toPath: trust.appendingPathComponent("ops.pub").path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path("v2.json")))
        let verified = try ConfigBundleVerifier.verify(
            data, trustDirectory: trust.path, kioskId: "KIOSK-X", groups: ["hall-7"], highWaterMark: 1)
        #expect(verified.version == 2)
        #expect(verified.targets == ["KIOSK-T-0001", "hall-7"])
    }

    @Test func aFolderThatDoesNotValidateIsNotBundled() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Rigs.run("kioskctl", ["config", "keygen", "--out", path("ops")]).exitCode == 0)
        try "hub:\n  url: https://hub.city.example/\nstore:\n  path: /tmp/x.sqlite\n"
            .write(to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)

        let invalid = try await Rigs.run("kioskctl", ["config", "validate", source.path])
        #expect(invalid.exitCode == 1)
        #expect(invalid.stdout.contains("settings.yaml:3: 'store' is local to each kiosk"), "\(invalid.stdout)")

        let bundle = try await Rigs.run(
            "kioskctl",
            [
                "config", "bundle", source.path, "--key", path("ops.key"), "--version", "2", "--expires", "+1d", "--target", "K", "--out",
                path("b.json"),
            ])
        #expect(bundle.exitCode == 1)
        #expect(!FileManager.default.fileExists(atPath: path("b.json")))

        let badTime = try await Rigs.run(
            "kioskctl",
            [
                "config", "bundle", source.path, "--key", path("ops.key"), "--version", "2", "--expires", "soon", "--target", "K", "--out",
                path("b.json"),
            ])
        #expect(badTime.exitCode == 64)
        #expect(badTime.stderr.contains("--expires"))
    }
}
