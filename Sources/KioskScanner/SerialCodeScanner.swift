import CSystemShims
import Foundation
import KioskCore
import Logging
import Synchronization

/// A 2D scanner in serial mode (USB CDC-ACM, or RS-232): the port is set raw with the
/// configured line settings and read on a thread of its own, since a serial read blocks; a
/// `poll` with a short timeout lets cancellation through without closing under a read. A port
/// that goes away (unplugged: EIO, a hangup) is said once and opened again every second.
public final class SerialCodeScanner: CodeScanner {
    let settings: KioskConfiguration.Scanner
    let logger: Logger
    /// How long a pause ends a scan sent without a suffix. Scanners send a code's bytes back
    /// to back, far closer than this even at 9600 bit/s.
    static let pauseMilliseconds: Int32 = 150

    public init(settings: KioskConfiguration.Scanner, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func events() -> AsyncStream<ScanEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self)
        let stopped = Mutex(false)
        let thread = Thread { [settings, logger] in
            var announced: Bool?
            while !stopped.withLock({ $0 }) {
                let fd = Self.open(settings)
                guard fd >= 0 else {
                    let why = String(cString: strerror(errno))
                    if announced != false {
                        logger.warning("QR scanner unavailable", metadata: ["device": "\(settings.device)", "error": "\(why)"])
                        continuation.yield(.disconnected(why))
                        announced = false
                    }
                    Self.pause(seconds: 1, unless: stopped)
                    continue
                }
                logger.info("QR scanner connected", metadata: ["device": "\(settings.device)"])
                continuation.yield(.connected)
                announced = true
                let why = Self.read(fd, until: stopped) { continuation.yield($0) }
                close(fd)
                if let why {
                    logger.warning("QR scanner gone", metadata: ["device": "\(settings.device)", "error": "\(why)"])
                    continuation.yield(.disconnected(why))
                    announced = false
                    Self.pause(seconds: 1, unless: stopped)
                }
            }
            continuation.finish()
        }
        thread.name = "kioskd.scanner"
        thread.start()
        continuation.onTermination = { _ in stopped.withLock { $0 = true } }
        return stream
    }

    /// Reads scans until stopped (nil) or the port fails (why).
    private static func read(_ fd: Int32, until stopped: borrowing Mutex<Bool>, _ yield: (ScanEvent) -> Void) -> String? {
        var decoder = ScanLineDecoder()
        var buffer = [UInt8](repeating: 0, count: 512)
        while !stopped.withLock({ $0 }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, decoder.hasPending ? pauseMilliseconds : 200)
            if ready < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            if ready == 0 {
                decoder.flush().forEach(yield)
                continue
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                decoder.feed(buffer.prefix(n)).forEach(yield)
            } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                // A hangup reads as 0 or EIO: the scanner (or its USB port) is gone.
                return n == 0 ? "hang-up" : String(cString: strerror(errno))
            }
        }
        return nil
    }

    /// Opens the port raw with the line settings; -1 with errno set when it cannot.
    static func open(_ s: KioskConfiguration.Scanner) -> Int32 {
        // Non-blocking until CLOCAL is set: an RS-232 line without carrier would hold a blocking
        // open for good, and this thread with it.
        let fd = Glibc.open(s.device, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return -1 }
        defer { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
        var tio = termios()
        if tcgetattr(fd, &tio) == 0 {
            cfmakeraw(&tio)
            tio.c_cflag |= tcflag_t(CLOCAL | CREAD)
            tio.c_cflag &= ~tcflag_t(CSIZE | PARENB | PARODD | CSTOPB)
            tio.c_cflag |= tcflag_t(s.dataBits == 7 ? CS7 : CS8)
            if s.parity != "none" { tio.c_cflag |= tcflag_t(PARENB) | (s.parity == "odd" ? tcflag_t(PARODD) : 0) }
            if s.stopBits == 2 { tio.c_cflag |= tcflag_t(CSTOPB) }
            let speed = Self.speed(s.baud)
            cfsetispeed(&tio, speed)
            cfsetospeed(&tio, speed)
            // A port that is not a terminal (a FIFO in a test) keeps its settings: nothing to set.
            _ = tcsetattr(fd, TCSANOW, &tio)
        }
        return fd
    }

    static func speed(_ baud: Int) -> speed_t {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        default: speed_t(B9600)
        }
    }

    private static func pause(seconds: Int, unless stopped: borrowing Mutex<Bool>) {
        for _ in 0..<(seconds * 10) where !stopped.withLock({ $0 }) { usleep(100_000) }
    }
}
