import CSystemShims
import Foundation
import KioskConsole
import KioskControlServer
import KioskCore
import KioskStore
import KioskTesting
import Logging
import Testing

@testable import KioskDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// Every front says READY=1 and feeds the watchdog, heard on a notify socket of the test's own:
/// under `Type=notify` and `WatchdogSec=` a front that does not is killed and restarted in a loop.
@Suite(.timeLimit(.minutes(1))) struct SystemdReadinessTests {
    @Test func anOutOfServiceFrontWithoutAScreenSaysReadyAndFeedsTheWatchdog() async throws {
        let socket = try NotifySocket()
        let service = OutOfServiceService(
            reason: KioskError(.store, "the store is newer than this kioskd"), output: nil, kioskId: "KIOSK-T-0001",
            notifier: socket.notifier, watchdog: .milliseconds(50))
        let task = Task { try await service.run() }
        let messages = try await socket.receive { messages in messages.filter { $0 == "WATCHDOG=1" }.count >= 2 }
        task.cancel()
        _ = await task.result
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=out of service, no screen: the store is newer") == true)
    }

    @Test func anOutOfServiceNoticeOnScreenSaysReadyToo() async throws {
        let socket = try NotifySocket()
        let service = OutOfServiceService(
            reason: KioskError(.configuration, "kiosk-config at /etc/kioskd: missing file"),
            output: try TerminalOutput(ttyPath: "/dev/null"), kioskId: "KIOSK-T-0001", notifier: socket.notifier,
            watchdog: .milliseconds(50))
        let task = Task { try await service.run() }
        let messages = try await socket.receive { messages in messages.contains("WATCHDOG=1") }
        task.cancel()
        _ = await task.result
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=out of service: kiosk-config at /etc/kioskd") == true)
    }

    @Test func theStatusScreenSaysReadyAndFeedsTheWatchdogAsItRefreshes() async throws {
        let socket = try NotifySocket()
        var configuration = KioskConfiguration()
        configuration.console.refreshSeconds = 0.05
        let service = StatusScreenService(
            configuration: configuration, readers: FakeReaderDirectory(.success([])), printers: FakePrinterDirectory(.success([])),
            hub: FakeHub(), terminal: try TerminalOutput(ttyPath: "/dev/null"), logger: Logger(label: "test.status"),
            notifier: socket.notifier, watchdog: .seconds(5))
        let task = Task { try await service.run() }
        let messages = try await socket.receive { messages in messages.filter { $0 == "WATCHDOG=1" }.count >= 2 }
        task.cancel()
        _ = await task.result
        #expect(messages.first == "READY=1\nSTATUS=device status screen up")
    }

    @Test func aKioskWhoseScreenCannotBeOpenedStillRunsAFront() async throws {
        let options = KioskApp.Options(configuration: KioskConfiguration(), ttyPath: "/nonexistent/tty1")
        let front = KioskApp.outOfServiceFront(
            KioskError(.store, "no store"), configuration: options.configuration, options: options, logger: Logger(label: "test"))
        #expect(front.group != nil)
        await front.stop()
    }
}

/// What a site file gets wrong that no schema sees: the front is out of service with one line per
/// problem (the key, what, what to do), before any adapter is built.
@Suite struct SiteChecksAtStartTests {
    @Test func aPlainHubBeyondLoopbackOrAKeyOpenToOthersIsOutOfServiceWithTheFix() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-site-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("kiosk.key").path
        try Data("key".utf8).write(to: URL(fileURLWithPath: key))
        try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: key)
        var configuration = KioskConfiguration()
        configuration.hub.url = "http://10.20.30.40:8480/"
        configuration.hub.clientCertificate = key
        configuration.hub.clientKey = key
        let options = KioskApp.Options(configuration: configuration, ttyPath: "/dev/null")
        let front = KioskApp.startFront(
            configuration,
            store: try KioskStore.open(path: folder.appendingPathComponent("kiosk.sqlite").path, options: .init(kioskId: "KIOSK-T-0002")),
            options: options,
            control: KioskControlState(), desk: ConfigDesk(), devices: SharedDeviceMonitor(), logger: Logger(label: "test"))
        let lines = try #require(front.outOfService?.message.split(separator: "\n").map(String.init))
        #expect(lines.contains { $0.hasPrefix("hub.url: http://10.20.30.40:8480/ is plain HTTP to another machine") }, "\(lines)")
        #expect(lines.contains { $0.contains("hub.clientKey: \(key) is mode 0604, open to others: run `chmod 640 \(key)`") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("hub.clientCertificate: \(key) is not a PEM certificate") }, "\(lines)")
        await front.stop()
    }
}

/// A datagram socket standing in for systemd's NOTIFY_SOCKET; read without blocking a thread.
final class NotifySocket: Sendable {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-notify-\(UUID().uuidString.prefix(8)).sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in Array(path.utf8).enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw KioskError(.invalidInput, "cannot bind \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    var notifier: SystemdNotifier { SystemdNotifier(environment: ["NOTIFY_SOCKET": path]) }

    /// The messages received, once `enough` accepts them (within 10 s).
    func receive(until enough: ([String]) -> Bool) async throws -> [String] {
        var messages: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !enough(messages) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
                continue
            }
            guard ContinuousClock.now < deadline else { throw KioskError(.timeout, "heard only \(messages)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return messages
    }
}

/// A keypad whose terminal hangs up: the front stops by itself (kioskd then exits and systemd
/// starts it on a fresh terminal) instead of running on with no key able to reach it. A real
/// pseudo-terminal whose controlling side is closed.
@Suite(.timeLimit(.minutes(1))) struct KeypadHangupTests {
    @Test func aHungUpKeypadStopsTheFront() async throws {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        try #require(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
        let slave = String(cString: try #require(ptsname(master)))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-hangup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = KioskConfiguration()
        configuration.kiosk.id = "KIOSK-T-0003"
        configuration.files.directory =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../kiosk-config").standardized.path
        configuration.metrics.listen = ""
        configuration.store.path = folder.appendingPathComponent("kiosk.sqlite").path
        let desk = ConfigDesk()
        let front = KioskApp.startFront(
            configuration, store: try KioskStore.open(path: configuration.store.path, options: .init(kioskId: "KIOSK-T-0003")),
            options: KioskApp.Options(configuration: configuration, ttyPath: slave), control: KioskControlState(), desk: desk,
            devices: SharedDeviceMonitor(), logger: quiet("test.hangup"))
        #expect(front.outOfService == nil, "\(String(describing: front.outOfService))")
        try await Task.sleep(for: .milliseconds(500))
        close(master)
        let ended = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                for await request in desk.requests { if case .generationEnded(let why) = request { return why } }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        #expect(ended != nil, "the front went on with a hung-up keypad")
        await front.stop()
    }
}
