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
    private var pcscd: BackgroundProcess?

    /// Readers as pcscd names them: "<name> 00 00" on basePort, "<name> 00 01" on basePort + 1.
    var reader0: String { "\(friendlyName) 00 00" }
    var reader1: String { "\(friendlyName) 00 01" }
    var socket: String { runDir.appendingPathComponent("pcscd.comm").path }
    /// The environment a client process needs to talk to this pcscd.
    var environment: [String: String] { ["PCSCLITE_CSOCK_NAME": socket] }

    private static let portLock = NSLock()
    /// Below the kernel's ephemeral range (32768–60999): there any outgoing connection on the
    /// machine may hold a port, vpcd's bind then fails and pcscd runs on without the reader.
    nonisolated(unsafe) private static var nextPort = 20_000 + Int(getpid() % 1000) * 12

    init() throws {
        basePort = Self.portLock.withLock {
            // Each pair is checked free too: a test of another run may still hold one.
            for _ in 0..<200 {
                let port = Self.nextPort
                Self.nextPort = port + 2 > 32_700 ? 20_000 : port + 2
                if Self.portFree(port), Self.portFree(port + 1) { return port }
            }
            return Self.nextPort
        }
        friendlyName = "Test PCD \(basePort)"
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-pcsc-\(UUID().uuidString.prefix(8))")
        runDir = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runDir, withIntermediateDirectories: true)
        try """
        FRIENDLYNAME "\(friendlyName)"
        DEVICENAME   /dev/null:0x\(String(basePort, radix: 16))
        LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
        CHANNELID    0x\(String(basePort, radix: 16))

        """.write(to: dir.appendingPathComponent("reader.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        pcscd?.cancel()
        try? FileManager.default.removeItem(at: dir)
    }

    func start() async throws {
        try? FileManager.default.removeItem(atPath: socket)
        pcscd = BackgroundProcess(
            .path("/usr/bin/unshare"),
            [
                "-m", "sh", "-c",
                "mount --bind '\(runDir.path)' /run/pcscd && exec pcscd -f -c '\(dir.appendingPathComponent("reader.conf").path)'",
            ])
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socket) || !portOpen(basePort) {
            guard ContinuousClock.now < deadline else {
                throw TmuxError(message: "isolated pcscd did not start (vpcd port \(basePort), socket \(socket))")
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
