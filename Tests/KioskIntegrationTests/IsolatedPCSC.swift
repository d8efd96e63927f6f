import Foundation
import Glibc
import Subprocess
import SystemPackage
import Testing

/// A pcscd of a test's own, so a test can stop it, restart it, and insert cards without
/// disturbing the rigs' pcscd or any other test running in parallel.
///
/// pcscd always creates /run/pcscd/pcscd.comm, so this one runs in a private mount namespace
/// (`unshare -m`) where /run/pcscd is a bind mount of a temporary folder; clients reach it with
/// PCSCLITE_CSOCK_NAME pointing at the socket there. Its vpcd readers listen on ports of their own.
final class IsolatedPCSC: @unchecked Sendable {
    let dir: URL
    let runDir: URL
    let basePort: Int
    let friendlyName: String
    /// With a SAM reader: its slot 0 listens on basePort + 2.
    let withPSAM: Bool
    private var pcscd: BackgroundProcess?

    /// Readers as pcscd names them: "<name> 00 00" on basePort, "<name> 00 01" on basePort + 1.
    var reader0: String { "\(friendlyName) 00 00" }
    var reader1: String { "\(friendlyName) 00 01" }
    /// The SAM slot, a vpcd reader of its own as on a kiosk (both card readers stay free).
    var psamReader: String { "Test PSAM \(basePort) 00 00" }
    var psamPort: Int { basePort + 2 }
    var socket: String { runDir.appendingPathComponent("pcscd.comm").path }
    /// The environment a client process needs to talk to this pcscd.
    var environment: [String: String] { ["PCSCLITE_CSOCK_NAME": socket] }

    static let vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
    private static let portLock = NSLock()
    /// Below the kernel's ephemeral range (32768–60999): there any outgoing connection on the
    /// machine may hold a port, vpcd's bind then fails and pcscd runs on without the reader.
    nonisolated(unsafe) private static var nextPort = 20_000 + Int(getpid() % 1000) * 12

    init(withPSAM: Bool = false) throws {
        self.withPSAM = withPSAM
        // Four ports each (two card slots, two SAM slots), all checked free: a test of another
        // run may still hold one.
        basePort = Self.portLock.withLock {
            for _ in 0..<200 {
                let port = Self.nextPort
                Self.nextPort = port + 4 > 32_700 ? 20_000 : port + 4
                if (port..<(port + 4)).allSatisfy(Self.portFree) { return port }
            }
            return Self.nextPort
        }
        friendlyName = "Test PCD \(basePort)"
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-pcsc-\(UUID().uuidString.prefix(8))")
        runDir = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runDir, withIntermediateDirectories: true)
        let psamHex = String(basePort + 2, radix: 16)
        var psamEntry = ""
        if withPSAM {
            // vpcd keeps its sockets in one array indexed by slot: a second reader on the same
            // library takes over the first one's slot 0. A copy of the library is loaded apart.
            let driver = dir.appendingPathComponent("libifdvpcd-sam.so")
            let library = URL(fileURLWithPath: Self.vpcdDriver).resolvingSymlinksInPath().path
            try FileManager.default.copyItem(atPath: library, toPath: driver.path)
            psamEntry =
                "FRIENDLYNAME \"Test PSAM \(basePort)\"\nDEVICENAME   /dev/null:0x\(psamHex)\n"
                + "LIBPATH      \(driver.path)\nCHANNELID    0x\(psamHex)\n"
        }
        try """
        FRIENDLYNAME "\(friendlyName)"
        DEVICENAME   /dev/null:0x\(String(basePort, radix: 16))
        LIBPATH      \(Self.vpcdDriver)
        CHANNELID    0x\(String(basePort, radix: 16))

        \(psamEntry)
        """.write(to: dir.appendingPathComponent("reader.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        pcscd?.cancel()
        try? FileManager.default.removeItem(at: dir)
    }

    func start() async throws {
        let log = dir.appendingPathComponent("pcscd.log").path
        try? FileManager.default.removeItem(atPath: socket)
        pcscd = BackgroundProcess(
            .path("/usr/bin/unshare"),
            [
                "-m", "sh", "-c",
                "mount --bind '\(runDir.path)' /run/pcscd && exec pcscd -f -c '\(dir.appendingPathComponent("reader.conf").path)' >'\(log)' 2>&1",
            ])
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socket) || !portOpen(basePort) || (withPSAM && !portOpen(psamPort)) {
            guard ContinuousClock.now < deadline else {
                let said =
                    (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
                throw TmuxError(message: "isolated pcscd did not start (vpcd port \(basePort), socket \(socket)): \(said)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops pcscd as an operator would (SIGTERM), and waits until it is gone.
    func stop() async {
        await pcscd?.stop()
        pcscd = nil
    }

    /// True when nothing listens on or holds `port` on loopback (a bind succeeds).
    static func portFree(_ port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private func portOpen(_ port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A virtual card in a reader: devices/virtual-ssc running against a vpcd port. Inserted while
/// the process runs; removed when it stops.
final class VirtualCard: Sendable {
    private let process: BackgroundProcess

    init(profile: String, port: Int, extra: [String] = []) throws {
        process = BackgroundProcess(
            .path(Rigs.executable("virtual-ssc")), ["--profile", profile, "--port", "\(port)", "--quiet"] + extra,
            workingDirectory: FilePath(Rigs.repo.path))
    }

    func remove() async { await process.stop() }

    func cancel() { process.cancel() }

    deinit { process.cancel() }
}

/// The kiosk's PSAM in a SAM slot: devices/virtual-psam running against a vpcd port.
final class VirtualPSAMCard: Sendable {
    private let process: BackgroundProcess

    init(port: Int, extra: [String] = []) throws {
        process = BackgroundProcess(
            .path(Rigs.executable("virtual-psam")), ["--port", "\(port)", "--quiet"] + extra,
            workingDirectory: FilePath(Rigs.repo.path))
    }

    func remove() async { await process.stop() }

    deinit { process.cancel() }
}

/// A long-running child (pcscd, a virtual card) started through swift-subprocess, which closes
/// every inherited descriptor: a child started with Foundation.Process keeps other tests' output
/// pipes open, and their readers then wait for an EOF that never comes. Stopping cancels the
/// task, which sends SIGTERM (SIGKILL after 2 s) and waits for the exit.
final class BackgroundProcess: Sendable {
    private let task: Task<Void, Never>

    init(_ executable: Executable, _ arguments: [String], workingDirectory: FilePath? = nil) {
        task = Task {
            var options = PlatformOptions()
            options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
            _ = try? await Subprocess.run(
                executable, arguments: Arguments(arguments), workingDirectory: workingDirectory,
                platformOptions: options, output: .discarded, error: .discarded)
        }
    }

    func stop() async {
        task.cancel()
        await task.value
    }

    func cancel() { task.cancel() }
}
