import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The soak's kiosk and what it can do to it: kioskd in tmux under a restart loop (systemd's
/// Restart=always), its own reference hub (a child process, so it can be frozen), the rigs'
/// pcscd, cupsd and printers, and the virtual card in reader 0.
final class SoakRig: @unchecked Sendable {
    static let kioskId = "KIOSK-SOAK-0001"
    let bin: String
    let hubPort: Int
    let folder: URL
    let terminal: BenchTerminal
    private let hub: Process
    /// The printers' kept jobs before the soak: only new ones are the soak's.
    let jobsBefore: [String: Set<String>]
    private(set) var cardIn = false
    private var hubFrozen = false

    var configPath: String { folder.appendingPathComponent("kiosk.yaml").path }
    var storePath: String { folder.appendingPathComponent("kiosk.sqlite").path }
    var hubURL: String { "http://127.0.0.1:\(hubPort)/" }
    static let printers = ["fault", "receipt"]

    private init(bin: String, hubPort: Int, folder: URL, terminal: BenchTerminal, hub: Process, jobsBefore: [String: Set<String>]) {
        self.bin = bin
        self.hubPort = hubPort
        self.folder = folder
        self.terminal = terminal
        self.hub = hub
        self.jobsBefore = jobsBefore
    }

    static func start(bin: String, kioskBin: String, hubPort: Int, dir: String?, seed: UInt64) async throws -> SoakRig {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.path).appendingPathComponent("kiosk-soak-\(seed)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("trust"), withIntermediateDirectories: true)
        let cwd = FileManager.default.currentDirectoryPath
        let hub = Process()
        hub.executableURL = URL(fileURLWithPath: "\(bin)/kiosk-hub-sim")
        hub.arguments = ["--port", "\(hubPort)", "--seed", "\(cwd)/devices/hub-seed/citizens.json"]
        hub.standardOutput = FileHandle.nullDevice
        hub.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try hub.run()
        var up = false
        for _ in 0..<100 where !up {
            up =
                (try? await BenchTerminal.run(["/usr/bin/curl", "-sf", "http://127.0.0.1:\(hubPort)/sim/scenario"]))?.contains("{") == true
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        // Another hub on that port would answer for ours (and hold another kiosk's journal).
        guard up, hub.isRunning else {
            hub.terminate()
            throw ValidationError("the soak's reference hub did not come up on port \(hubPort)")
        }
        let config = folder.appendingPathComponent("kiosk.yaml").path
        try """
        kiosk:
          id: \(kioskId)
        hub:
          url: http://127.0.0.1:\(hubPort)/
          timeoutSeconds: 2
        card:
          reader: Virtual PCD 00 00
          psamReader: ""
        session:
          # The notice after a card is pulled: 8 s by default, only waited out here.
          noticeSeconds: 2
        printers:
          receipt: kiosk-receipt
          certificate: kiosk-fault
        store:
          path: \(folder.path)/kiosk.sqlite
        files:
          directory: \(cwd)/kiosk-config
        camera:
          folder: \(cwd)/devices/camera
        scanner:
          device: ""
        control:
          socket: \(folder.path)/control.sock
        metrics:
          listen: ""
        bundles:
          directory: \(folder.path)/bundles
          trustDirectory: \(folder.path)/trust
          pollSeconds: 0
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var before: [String: Set<String>] = [:]
        for printer in printers { before[printer] = keptJobs(printer) }
        let terminal = try await BenchTerminal.start([
            "/bin/sh", "-c", "while :; do \"$0\" \"$@\" 2>>\"\(folder.path)/kioskd.log\"; sleep 0.3; done", "\(kioskBin)/kioskd",
            "--config", config,
        ])
        return SoakRig(bin: bin, hubPort: hubPort, folder: folder, terminal: terminal, hub: hub, jobsBefore: before)
    }

    func stop() {
        terminal.kill()
        if hubFrozen { kill(hub.processIdentifier, SIGCONT) }
        hub.terminate()
        hub.waitUntilExit()
        let card = Process()
        card.executableURL = URL(fileURLWithPath: "\(FileManager.default.currentDirectoryPath)/devices/virtual-ssc/card")
        card.arguments = ["remove", "--reader", "0"]
        card.environment = ProcessInfo.processInfo.environment.merging(["KIOSK_BIN_DIR": bin]) { _, new in new }
        try? card.run()
        card.waitUntilExit()
    }

    // MARK: - The citizen's part

    func insertCard() async throws {
        _ = try await device(["devices/virtual-ssc/card", "insert", "gen2", "--reader", "0", "--", "--quiet"])
        cardIn = true
    }

    func removeCard() async throws {
        _ = try await device(["devices/virtual-ssc/card", "remove", "--reader", "0"])
        cardIn = false
    }

    func waitForAttract(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if Self.isAttract(try await terminal.screen()) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchTerminalError(description: "the attract screen never showed: \(try await terminal.screen())")
    }

    static func isAttract(_ screen: String) -> Bool {
        screen.contains("请插入社保卡") && !screen.contains("请选择要办理的业务") && !screen.contains("服务评价")
            && !screen.contains("这不是社会保障卡")
    }

    // MARK: - Faults

    func setHub(_ scenario: String) async throws {
        _ = try await BenchTerminal.run([
            "/usr/bin/curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json", "-d", scenario, "\(hubURL)sim/scenario",
        ])
    }

    func freezeHub(_ frozen: Bool) {
        guard frozen != hubFrozen else { return }
        kill(hub.processIdentifier, frozen ? SIGSTOP : SIGCONT)
        hubFrozen = frozen
    }

    func printerFault(_ arguments: String...) async throws {
        _ = try await device(["devices/virtual-printer/fault", "fault"] + arguments)
    }

    /// Kills the rigs' pcscd or cupsd and has `scripts/rigs up` start it again, as a kiosk's
    /// systemd would after a crash. A daemon the rigs did not start is left alone.
    func restart(_ daemon: String) async throws {
        let pidFile = "\(Self.rigsFolder)/\(daemon).pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, SIGKILL)
        for _ in 0..<100 where Self.isRunning(pid) { try await Task.sleep(for: .milliseconds(50)) }
        _ = try await device(["scripts/rigs", "up"])
    }

    /// Running, and not a zombie waiting for PID 1 to reap it (the rigs' daemons' parent is gone).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    func killKioskd() {
        if let pid = kioskdPID() { kill(pid, SIGKILL) }
    }

    /// kioskd, found through /proc by the configuration its command line names.
    func kioskdPID() -> Int32? {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.first { pid in
            let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            let arguments = line.split(separator: "\0").map(String.init)
            return arguments.first?.hasSuffix("kioskd") == true && arguments.contains(configPath)
        }.flatMap { Int32($0) }
    }

    /// A device script of the repository (with the release binaries).
    func device(_ command: [String]) async throws -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return try await BenchTerminal.run(["\(cwd)/\(command[0])"] + command.dropFirst(), environment: ["KIOSK_BIN_DIR": bin])
    }

    static var rigsFolder: String {
        ProcessInfo.processInfo.environment["KIOSK_RIGS_DIR"] ?? "\(FileManager.default.currentDirectoryPath)/.rigs"
    }

    static func keptJobs(_ printer: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "\(rigsFolder)/jobs/\(printer)")) ?? []).filter { $0.hasSuffix(".pdf") }
    }
}
