import Foundation
import KioskHubSim
import KioskTesting
import Testing

/// One real kiosk for an end-to-end test: kioskd in tmux (a real terminal), its own pcscd with
/// the virtual card, the rigs' cupsd and printers, the reference hub on a loopback port, a
/// SQLite file of its own. The test types on the keypad and reads the screen like a citizen.
struct KioskEndToEnd: Sendable {
    let pcsc: IsolatedPCSC
    let tmux: TmuxSession
    let hubURL: String
    let dir: URL
    var storePath: String { dir.appendingPathComponent("kiosk.sqlite").path }
    var configPath: String { dir.appendingPathComponent("kiosk.yaml").path }
    /// The control socket (kioskctl --socket).
    var socket: String { dir.appendingPathComponent("control.sock").path }
    /// bundles.trustDirectory: a test puts the public keys it signs with here.
    var trustDirectory: String { dir.appendingPathComponent("trust").path }

    /// Runs `body` against a fresh kiosk; `certificatePrinter` lets a fault test use kiosk-fault.
    /// `restartedWhenKilled` runs kioskd as systemd does (Restart=always): a kioskd killed is
    /// started again on the same store, in the same terminal.
    static func run(
        certificatePrinter: String = "kiosk-a4", sessionYAML: String = "", pollSeconds: Double = 0, metricsListen: String = "",
        metricsAllow: [String] = [], metricsYAML: String = "", filesDirectory: String? = nil, restartedWhenKilled: Bool = false,
        psam: Bool = false, cameraPipeline: String = "",
        scanner: Bool = false, environment: [String: String] = [:], _ body: @Sendable (KioskEndToEnd) async throws -> Void
    ) async throws {
        let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let pcsc = try IsolatedPCSC(withPSAM: psam)
            try await pcsc.start()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-e2e-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("trust"), withIntermediateDirectories: true)
            // The QR scanner's port: the virtual scanner's pseudo-terminal in this kiosk's folder.
            if scanner { _ = try await VirtualScanner.run("plug", dir.path) }
            let config = dir.appendingPathComponent("kiosk.yaml").path
            try """
            kiosk:
              id: KIOSK-E2E-0001
            hub:
              url: \(url)
              timeoutSeconds: \(2 * TestTime.scale)
            card:
              reader: \(pcsc.reader0)
              psamReader: "\(psam ? pcsc.psamReader : "")"
            printers:
              receipt: kiosk-receipt
              certificate: \(certificatePrinter)
            store:
              path: \(dir.path)/kiosk.sqlite
            files:
              directory: \(filesDirectory ?? Rigs.repo.appendingPathComponent("kiosk-config").path)
            camera:
              folder: \(Rigs.repo.appendingPathComponent("devices/camera").path)
              pipeline: "\(cameraPipeline)"
            scanner:
              device: "\(scanner ? dir.path + "/scanner" : "")"
            control:
              socket: \(dir.path)/control.sock
            metrics:
              listen: "\(metricsListen)"
              allow: [\(metricsAllow.map { "\"\($0)\"" }.joined(separator: ", "))]
            \(metricsYAML)
            bundles:
              directory: \(dir.path)/bundles
              trustDirectory: \(dir.path)/trust
              pollSeconds: \(pollSeconds)
            \(sessionYAML)
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let kioskd = [Rigs.executable("kioskd").string, "--config", config]
            let command =
                restartedWhenKilled
                ? ["/bin/sh", "-c", "while :; do \"$0\" \"$@\"; sleep 0.3; done"] + kioskd : kioskd
            let tmux = try await TmuxSession.start(
                command: command, columns: 80, rows: 24,
                environment: pcsc.environment.merging(environment) { _, extra in extra },
                stderrTo: dir.appendingPathComponent("kioskd.log").path)
            let kiosk = KioskEndToEnd(pcsc: pcsc, tmux: tmux, hubURL: url, dir: dir)
            do {
                try await body(kiosk)
            } catch {
                await tmux.kill()
                await pcsc.stop()
                if scanner { _ = try? await VirtualScanner.run("unplug", dir.path) }
                throw error
            }
            await tmux.kill()
            await pcsc.stop()
            if scanner { _ = try? await VirtualScanner.run("unplug", dir.path) }
        }
    }

    func insert(_ profile: String, extra: [String] = []) throws -> VirtualCard {
        try VirtualCard(profile: profile, port: pcsc.basePort, extra: extra)
    }

    /// The kiosk's PSAM into its SAM slot (`run(psam: true)` only); returns once pcscd lists
    /// it, as on a kiosk whose PSAM is in from the start.
    func insertPSAM(extra: [String] = []) async throws -> VirtualPSAMCard {
        let psam = try VirtualPSAMCard(port: pcsc.psamPort, extra: extra)
        for _ in 0..<100 {
            let readers = try await Rigs.run("kioskctl", ["card", "readers"], environment: pcsc.environment).stdout
            if readers.split(separator: "\n").contains(where: { $0.hasPrefix(pcsc.psamReader) && $0.contains("\tcard") }) { return psam }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("pcscd never listed the PSAM in \(pcsc.psamReader)")
        return psam
    }

    func screen(contains text: String, timeout: Duration = .seconds(20)) async throws -> String {
        try await tmux.waitFor(timeout: timeout) { $0.contains(text) }
    }

    func press(_ keys: String...) async throws {
        for key in keys {
            try await tmux.sendKeys(key)
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    /// `kioskctl journal tail --json` on this kiosk's store.
    func journalKinds() async throws -> [String] {
        let out = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "200", "--json", "--db", storePath])
        return out.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
        }
    }

    /// Every record of this kiosk's journal (the newest 500), as `kioskctl journal tail --json` gives them.
    func journalRecords() async throws -> [[String: Any]] {
        let out = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "500", "--json", "--db", storePath])
        return out.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The files a virtual printer of the rigs has kept (one per job it printed).
    static func keptJobs(_ printer: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: keptJobsFolder(printer))) ?? [])
    }

    static func keptJobsFolder(_ printer: String) -> String {
        let rigs = ProcessInfo.processInfo.environment["KIOSK_RIGS_DIR"] ?? Rigs.repo.appendingPathComponent(".rigs").path
        return "\(rigs)/jobs/\(printer)"
    }

    func journalVerifies() async throws -> Bool {
        try await Rigs.run("kioskctl", ["journal", "verify", "--db", storePath]).exitCode == 0
    }

    func hubJSON(_ path: String) async throws -> Any { try await HubSimControl.json(hubURL, path) }

    /// A code scanned on this kiosk's virtual QR scanner (`run(scanner: true)`).
    func scan(_ text: String) async throws { _ = try await VirtualScanner.run("scan", text, dir.path) }

    /// The electronic social security card code the reference hub mints for the citizen of a
    /// virtual card profile (`ttlSeconds` < 0: already expired).
    func esscToken(_ profile: String, ttlSeconds: Int = 300) async throws -> String {
        let out = try await Rigs.tool(
            "curl",
            [
                "-sf", "-X", "POST", "-H", "Content-Type: application/json", "-d",
                #"{"profile":"\#(profile)","ttlSeconds":\#(ttlSeconds)}"#,
                hubURL + "sim/essc-tokens",
            ])
        let answer = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        return try #require(answer?["esscToken"] as? String, "the hub minted no code: \(out.stdout) \(out.stderr)")
    }

    func setHub(_ scenario: String) async throws { try await HubSimControl.setScenario(hubURL, scenario) }

    /// The fonts and rendering libraries kioskd itself has mapped (documents render in
    /// `kiosk-render`, so kioskd never loads cairo or pango, let alone fonts and font maps). Found
    /// through /proc: the kioskd process whose command line names this kiosk's configuration.
    func renderingFilesInKioskd() throws -> [String] {
        let pid = try #require(try kioskdPID(), "no kioskd with \(configPath) in /proc")
        // /proc files report size 0: read them through a handle to their end.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? handle.close() }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return maps.split(separator: "\n").compactMap { line in
            let path = String(line.split(separator: " ", omittingEmptySubsequences: true).last ?? "")
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            let font = path.contains("/fonts/") || [".ttc", ".otf", ".ttf"].contains { path.hasSuffix($0) }
            let renderer = ["libcairo", "libpango", "libfontconfig", "libfreetype", "libharfbuzz", "libqrencode"].contains {
                name.hasPrefix($0)
            }
            return font || renderer ? path : nil
        }
    }

    /// This kiosk's kioskd process, found through /proc by the configuration its command line names.
    func kioskdPID() throws -> Int32? {
        let pids = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }
        return pids.first { pid in
            let line = (FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let arguments = line.split(separator: "\0").map(String.init)
            return arguments.first?.hasSuffix("kioskd") == true && arguments.contains(configPath)
        }.flatMap { Int32($0) }
    }

    /// The PDF the virtual A4 printer kept whose text holds `text` (pdftotext), if any.
    static func printedPDF(containing text: String, printer: String = "a4") async throws -> String? {
        let folder = keptJobsFolder(printer)
        for file in keptJobs(printer) where file.hasSuffix(".pdf") {
            let out = try await Rigs.tool("pdftotext", ["\(folder)/\(file)", "-"])
            if out.stdout.contains(text) { return out.stdout }
        }
        return nil
    }
}

/// devices/virtual-scanner/scanner, the QR scanner's serial port made with socat.
enum VirtualScanner {
    @discardableResult
    static func run(_ arguments: String...) async throws -> String {
        let script = Rigs.repo.appendingPathComponent("devices/virtual-scanner/scanner").path
        let out = try await Rigs.tool("bash", [script] + arguments)
        guard out.status == .exited(0) else { throw ScannerFailed(message: out.stderr) }
        return out.stdout
    }

    struct ScannerFailed: Error { var message: String }
}
