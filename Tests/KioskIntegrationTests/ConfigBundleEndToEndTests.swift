import Crypto
import Foundation
import KioskConfig
import KioskDaemon
import Testing

/// Signed configuration against a real kioskd: bundles applied between citizens, refused with
/// their reason (the running configuration untouched), rolled back by the kiosk itself when the
/// hub is unreachable with them, pulled from the hub, and reported in the heartbeat.
@Suite(.tags(.integration)) struct ConfigBundleEndToEndTests {
    static let siteHall = "示范市人力资源和社会保障局服务大厅"

    /// An operator's key trusted by `kiosk`, and a source folder (the repo's kiosk-config).
    struct Operator {
        let folder: URL
        let key: Curve25519.Signing.PrivateKey

        init(trustedBy kiosk: KioskEndToEnd) throws {
            folder = kiosk.dir.appendingPathComponent("ops")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Rigs.repo.appendingPathComponent("kiosk-config"), to: folder.appendingPathComponent("src"))
            try BundleSigningKeys.generate(to: folder.appendingPathComponent("ops").path)
            key = try BundleSigningKeys.loadPrivateKey(path: folder.appendingPathComponent("ops.key").path)
            try FileManager.default.copyItem(
                at: folder.appendingPathComponent("ops.pub"),
                to: URL(fileURLWithPath: kiosk.trustDirectory).appendingPathComponent("ops.pub"))
        }

        /// A bundle whose settings.yaml is `settings`, written where every test user can read it.
        func bundle(
            _ version: Int, settings: String, targets: [String] = ["KIOSK-E2E-0001"], expires: Date = Date().addingTimeInterval(3600),
            now: Date = Date(), key: Curve25519.Signing.PrivateKey? = nil
        ) throws -> (data: Data, path: String) {
            let source = folder.appendingPathComponent("src")
            try settings.write(to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
            let data = try ConfigBundleSigner.make(
                directory: source, privateKey: key ?? self.key, version: version, expires: expires, targets: targets, now: now)
            return (data, try write(data, "v\(version)-\(UUID().uuidString.prefix(6)).json"))
        }

        func write(_ data: Data, _ name: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            return path
        }
    }

    static func hall(_ name: String) -> String { "kiosk:\n  hall: \(name)\n" }

    static func status(_ kiosk: KioskEndToEnd) async throws -> [String: Any] {
        let out = try await Rigs.run("kioskctl", ["config", "status", "--json", "--socket", kiosk.socket])
        return try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func appliedBrokenRolledBackByItselfAndOperationsGoBack() async throws {
        try await KioskUsers.prepare()
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let ops = try Operator(trustedBy: kiosk)
            let socket = ["--socket", kiosk.socket]

            let v1 = try ops.bundle(1, settings: Self.hall("第一测试大厅"))
            let applied = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["config", "apply", v1.path] + socket)
            #expect(applied.exitCode == 0, "\(applied.stdout)\(applied.stderr)")
            #expect(applied.stdout.contains("v1 applied"), "\(applied.stdout)")
            _ = try await kiosk.screen(contains: "第一测试大厅")

            // A hub URL nothing answers on: the kiosk checks its health after the swap and goes back by itself.
            let v2 = try ops.bundle(2, settings: Self.hall("第二测试大厅") + "hub:\n  url: http://127.0.0.1:9/\n")
            let broken = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["config", "apply", v2.path] + socket)
            #expect(broken.exitCode == 1)
            #expect(broken.stdout.contains("v2 rolled back"), "\(broken.stdout)")
            _ = try await kiosk.screen(contains: "第一测试大厅")
            var status = try await Self.status(kiosk)
            #expect(status["version"] as? Int == 1, "\(status)")
            #expect(status["highWaterMark"] as? Int == 2, "\(status)")
            #expect((status["hubURL"] as? String)?.hasPrefix(kiosk.hubURL) == true, "\(status)")

            // v1 again is older than the high-water mark: no going back by replaying a bundle.
            let replay = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["config", "apply", v1.path] + socket)
            #expect(replay.exitCode == 0, "\(replay.stdout)\(replay.stderr)")
            #expect(replay.stdout.contains("already runs"), "\(replay.stdout)")

            let back = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["config", "rollback"] + socket)
            #expect(back.exitCode == 0, "\(back.stdout)\(back.stderr)")
            _ = try await kiosk.screen(contains: Self.siteHall)
            status = try await Self.status(kiosk)
            #expect(status["version"] as? Int == 0, "\(status)")
            #expect(status["highWaterMark"] as? Int == 2, "\(status)")

            let history = try await Rigs.run("kioskctl", ["config", "history", "--json"] + socket).stdout
            #expect(history.contains("rolled-back") && history.contains("applied"), "\(history)")

            let uid = try await Rigs.tool("id", ["-u", KioskUsers.operations]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let journal = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "100", "--json", "--db", kiosk.storePath]).stdout
            let changes = journal.split(separator: "\n").filter { $0.contains("\"config-change\"") }
            #expect(changes.contains { $0.contains("\"applied\"") && $0.contains("\"uid\":\(uid)") }, "\(changes)")
            #expect(changes.contains { $0.contains("\"rolled-back\"") }, "\(changes)")
            #expect(changes.contains { $0.contains("\"rollback\"") }, "\(changes)")
            #expect(try await kiosk.journalVerifies())
        }
    }

    @Test func eachBadBundleIsRefusedWithItsReasonAndChangesNothing() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let ops = try Operator(trustedBy: kiosk)
            let good = try ops.bundle(3, settings: Self.hall("第三测试大厅"))
            let applied = try await Rigs.run("kioskctl", ["config", "apply", good.path, "--socket", kiosk.socket])
            #expect(applied.exitCode == 0, "\(applied.stdout)\(applied.stderr)")
            _ = try await kiosk.screen(contains: "第三测试大厅")

            var envelope = try JSONSerialization.jsonObject(with: try ops.bundle(5, settings: Self.hall("坏")).data) as! [String: Any]
            var tampered = envelope
            var manifest =
                try JSONSerialization.jsonObject(
                    with: Data(base64Encoded: envelope["manifest"] as! String)!) as! [String: Any]
            manifest["targets"] = ["KIOSK-E2E-0001", "everyone"]
            tampered["manifest"] = try JSONSerialization.data(withJSONObject: manifest).base64EncodedString()
            envelope.removeValue(forKey: "signature")
            let stranger = Curve25519.Signing.PrivateKey()

            let cases: [(String, Data, String)] = [
                ("truncated", good.data.prefix(good.data.count / 2), "not a valid bundle"),
                ("tampered", try JSONSerialization.data(withJSONObject: tampered), "signature does not match"),
                ("unsigned", try JSONSerialization.data(withJSONObject: envelope), "not signed"),
                ("untrusted", try ops.bundle(6, settings: Self.hall("坏"), key: stranger).data, "does not trust"),
                (
                    "expired",
                    try ops.bundle(
                        7, settings: Self.hall("坏"), expires: Date().addingTimeInterval(-60), now: Date().addingTimeInterval(-7200)
                    )
                    .data, "expired"
                ),
                ("older", try ops.bundle(2, settings: Self.hall("坏")).data, "not newer"),
                ("untargeted", try ops.bundle(8, settings: Self.hall("坏"), targets: ["KIOSK-OTHER", "hall-9"]).data, "not for this kiosk"),
                ("local keys", try ops.bundle(9, settings: "store:\n  path: /tmp/elsewhere.sqlite\n").data, "do not validate"),
            ]
            for (name, data, reason) in cases {
                let path = try ops.write(data, "\(name).json")
                let out = try await Rigs.run("kioskctl", ["config", "apply", path, "--socket", kiosk.socket])
                #expect(out.exitCode == 1, "\(name): \(out.stdout)\(out.stderr)")
                #expect(out.stdout.contains("refused") && out.stdout.contains(reason), "\(name): \(out.stdout)\(out.stderr)")
            }
            let status = try await Self.status(kiosk)
            #expect(status["version"] as? Int == 3, "\(status)")
            #expect(status["highWaterMark"] as? Int == 3, "\(status)")
            #expect(try await kiosk.screen(contains: "第三测试大厅").contains("第三测试大厅"))
            let journal = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "100", "--json", "--db", kiosk.storePath]).stdout
            #expect(
                journal.split(separator: "\n").filter { $0.contains("\"config-change\"") && $0.contains("\"refused\"") }.count
                    == cases.count)
        }
    }

    @Test func aBundleAtTheHubIsPulledAppliedAndReportedInTheHeartbeat() async throws {
        try await KioskEndToEnd.run(pollSeconds: 1) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let ops = try Operator(trustedBy: kiosk)
            let bundle = try ops.bundle(4, settings: Self.hall("第四测试大厅"))
            let put = try await Rigs.tool(
                "curl",
                [
                    "-s", "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", "@\(bundle.path)",
                    kiosk.hubURL + "sim/config/KIOSK-E2E-0001",
                ])
            #expect(put.stdout.contains("etag"), "\(put.stdout)")
            _ = try await kiosk.screen(contains: "第四测试大厅", timeout: .seconds(30))

            var beat: [String: Any] = [:]
            for _ in 0..<40 {
                // "null" until the first heartbeat arrives.
                beat = (try? await kiosk.hubJSON("sim/heartbeats/KIOSK-E2E-0001")) as? [String: Any] ?? [:]
                if beat["configVersion"] as? Int == 4 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(beat["configVersion"] as? Int == 4, "\(beat)")
            // Later pulls are answered 304 and change nothing.
            let history = try await Rigs.run("kioskctl", ["config", "history", "--json", "--socket", kiosk.socket]).stdout
            #expect(history.components(separatedBy: "\"applied\"").count - 1 == 1, "\(history)")
            #expect(history.contains("\"hub\""), "\(history)")
        }
    }
}
