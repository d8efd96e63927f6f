import Foundation
import KioskHubSim
import Testing

/// A kiosk as a hall gets it: the Debian package installed into a clean Debian 12 root booted
/// under a real systemd (scripts/kiosk-root), its tty1 a tmux pane the test types on, a pcscd of
/// the test's own bound in as the root's /run/pcscd, the rigs' cupsd as its /run/cups, the
/// printers' IPP ports and the reference hub forwarded to its loopback.
struct InstalledKiosk: Sendable {
    let pcsc: IsolatedPCSC
    let hubURL: String
    /// scripts/kiosk-root's folder, one per test, so tests never share a root.
    let dir: String
    static let script = Rigs.repo.appendingPathComponent("scripts/kiosk-root").path
    static let printerPorts = ["8502", "8503"]

    /// The package under test: KIOSK_DEB (scripts/test builds it once), else one made now.
    static func package() async throws -> String {
        if let deb = ProcessInfo.processInfo.environment["KIOSK_DEB"] { return deb }
        let out = try await Rigs.tool(Rigs.repo.appendingPathComponent("scripts/package").path, [])
        try #require(out.exitCode == 0, "scripts/package failed: \(out.stderr.suffix(2000))")
        return String(out.stdout.split(separator: "\n").last ?? "")
    }

    /// Boots a fresh root with the package installed (not yet set up) and runs `body`.
    static func run(_ body: @Sendable (InstalledKiosk) async throws -> Void) async throws {
        let deb = try await package()
        let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let pcsc = try IsolatedPCSC()
            try await pcsc.start()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-root-\(UUID().uuidString.prefix(8))").path
            let kiosk = InstalledKiosk(pcsc: pcsc, hubURL: url, dir: dir)
            do {
                try await kiosk.boot(deb: deb)
                try await body(kiosk)
            } catch {
                let journal = (try? await kiosk.exec("journalctl", "-u", "kioskd", "--no-pager", "-n", "40").stdout) ?? ""
                await kiosk.shutdown()
                await pcsc.stop()
                Issue.record("kioskd's journal in the root:\n\(journal)")
                throw error
            }
            await kiosk.shutdown()
            await pcsc.stop()
        }
    }

    var hubPort: String { String(hubURL.split(separator: ":").last?.filter(\.isNumber) ?? "") }
    /// The hub as the kiosk inside sees it: the same port on the root's own loopback.
    var insideHubURL: String { "http://127.0.0.1:\(hubPort)/" }

    func boot(deb: String) async throws {
        // The cached root lives in the rigs' folder; only the writable layer is this test's.
        let cache = Rigs.repo.appendingPathComponent(".rigs/kiosk-root").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await script(["build", "--deb", deb], environment: ["KIOSK_ROOT_DIR": cache])
        try FileManager.default.createSymbolicLink(atPath: dir + "/rootfs", withDestinationPath: cache + "/rootfs")
        let tty = try await script(["mkpty", "kiosk"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try await script(
            ["up"],
            environment: [
                "KIOSK_ROOT_TTY": tty, "KIOSK_ROOT_BINDS": "\(pcsc.runDir.path):/run/pcscd /run/cups",
                "KIOSK_ROOT_MASK": "pcscd.socket pcscd.service",
            ])
        try await script(["forward"] + Self.printerPorts + [hubPort])
        try await script(["cp-in", deb, "/tmp/kioskd.deb"])
        try await expectSuccess(exec("dpkg", "-i", "/tmp/kioskd.deb"))
    }

    func shutdown() async {
        _ = try? await script(["down"])
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// `kioskctl setup` for scripted installs: this test's reader, the rigs' queues, the hub.
    func setUp(extra: [String] = ["--no-test-page"]) async throws -> Rigs.Output {
        try await exec(
            [
                "kioskctl", "setup", "--no-input", "--kiosk-id", "KIOSK-HALL-0042", "--hub", insideHubURL, "--card-reader", pcsc.reader0,
                "--receipt-queue", "kiosk-receipt", "--a4-queue", "kiosk-a4",
            ] + extra)
    }

    @discardableResult
    func script(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        var env = ["KIOSK_ROOT_DIR": dir]
        env.merge(environment) { $1 }
        let out = try await Rigs.tool("env", env.map { "\($0)=\($1)" } + [Self.script] + arguments)
        try #require(out.exitCode == 0, "kiosk-root \(arguments.first ?? ""): \(out.stderr.suffix(2000))")
        return out.stdout
    }

    /// A command inside the booted root.
    func exec(_ command: String...) async throws -> Rigs.Output { try await exec(command) }

    func exec(_ command: [String]) async throws -> Rigs.Output {
        try await Rigs.tool("env", ["KIOSK_ROOT_DIR=\(dir)", Self.script, "exec"] + command)
    }

    func expectSuccess(_ out: Rigs.Output, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(out.exitCode == 0, "\(out.stdout.suffix(1000))\n\(out.stderr.suffix(2000))", sourceLocation: sourceLocation)
    }

    /// A unit property (`systemctl show -p NAME --value`).
    func unit(_ property: String) async throws -> String {
        try await exec("systemctl", "show", "-p", property, "--value", "kioskd").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func tmux(_ arguments: [String]) async throws -> String {
        try await Rigs.tool("tmux", ["-S", dir + "/tmux.sock"] + arguments).stdout
    }

    func screen(contains text: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await tmux(["capture-pane", "-p", "-t", "kiosk"])
            if last.contains(text) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the kiosk's tty1 never showed \(text); it shows:\n\(last)")
        throw CancellationError()
    }

    func press(_ keys: String...) async throws {
        for key in keys {
            _ = try await tmux(["send-keys", "-t", "kiosk", key])
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    /// Waits until `condition` holds for a unit property, or fails saying what it was.
    func waitForUnit(_ property: String, timeout: Duration = .seconds(30), _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var value = ""
        while ContinuousClock.now < deadline {
            value = try await unit(property)
            if condition(value) { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("kioskd's \(property) stayed \(value)")
        throw CancellationError()
    }

    /// A drop-in for kioskd.service (`[Service]` lines), systemd reloaded.
    func dropIn(_ name: String, _ lines: [String]) async throws {
        let text = (["[Service]"] + lines).joined(separator: "\n")
        try expectSuccess(
            try await exec(
                "sh", "-c",
                "mkdir -p /etc/systemd/system/kioskd.service.d && printf '%s\\n' '\(text)' > /etc/systemd/system/kioskd.service.d/\(name).conf "
                    + "&& systemctl daemon-reload"))
    }

    func journal() async throws -> String {
        try await exec("journalctl", "-u", "kioskd", "--no-pager", "-o", "cat").stdout
    }

    func hubJSON(_ path: String) async throws -> Any { try await HubSimControl.json(hubURL, path) }

    func setHub(_ scenario: String) async throws { try await HubSimControl.setScenario(hubURL, scenario) }
}
