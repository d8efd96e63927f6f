import CSystemShims
import Foundation
import Glibc

/// Raw bytes from the kiosk's keypad (the terminal): the terminal is put in raw mode (no echo,
/// no line buffering, no signals from keys), read on a thread of its own (read(2) blocks), and
/// restored on `stop()`. Bytes go out as they arrive; `KeyDecoder` turns them into keys.
public final class TerminalInput: @unchecked Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Asked once, when opened: a hung-up terminal may no longer say it is one.
    private let isTerminal: Bool
    private var saved = termios()
    private var isRaw = false
    private let lock = NSLock()
    private var stopped = false
    private var lost = false

    public init(ttyPath: String? = nil) throws {
        if let ttyPath {
            let fd = open(ttyPath, O_RDONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw TerminalError(message: "cannot open \(ttyPath) for input: \(String(cString: strerror(errno)))") }
            self.fd = fd
            ownsDescriptor = true
        } else {
            fd = STDIN_FILENO
            ownsDescriptor = false
        }
        isTerminal = isatty(fd) != 0
    }

    deinit {
        restore()
        if ownsDescriptor { close(fd) }
    }

    /// Byte chunks until `stop()` or end of input.
    public func bytes() -> AsyncStream<[UInt8]> {
        makeRaw()
        return AsyncStream { continuation in
            let thread = Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 256)
                while !isStopped {
                    // poll with a timeout so stop() is noticed without closing the descriptor.
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&pfd, 1, 200)
                    if ready < 0 && errno != EINTR {
                        markLost()
                        break
                    }
                    guard ready > 0 else { continue }
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n > 0 {
                        continuation.yield(Array(buffer.prefix(n)))
                    } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                        markLost()
                        break
                    }
                }
                continuation.finish()
            }
            thread.name = "kioskd.keypad"
            thread.start()
            continuation.onTermination = { [self] _ in stop() }
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// True once a terminal's input ended by itself (a hangup, the device gone), not by `stop()`:
    /// no key can come any more. Input that is not a terminal (/dev/null for a headless kiosk, a
    /// pipe) ending is no loss: it never had a keypad.
    public var terminalLost: Bool { lock.withLock { lost } }

    private func markLost() {
        guard isTerminal else { return }
        lock.withLock { if !stopped { lost = true } }
    }

    public func stop() {
        lock.withLock { stopped = true }
        restore()
    }

    private func makeRaw() {
        guard isatty(fd) != 0, tcgetattr(fd, &saved) == 0 else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_cc.6 = 1  // VMIN: a read returns as soon as one byte is there
        raw.c_cc.5 = 0  // VTIME: no inter-byte timer
        if tcsetattr(fd, TCSANOW, &raw) == 0 { isRaw = true }
    }

    private func restore() {
        guard isRaw else { return }
        tcsetattr(fd, TCSANOW, &saved)
        isRaw = false
    }
}
