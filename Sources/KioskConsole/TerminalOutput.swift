import CSystemShims
import Glibc

/// Writes whole screens to a terminal with plain ANSI: home, each line, clear to end. Opens
/// `--tty DEVICE` when given, otherwise standard output. Only what changed since the last frame
/// is rewritten, so a redraw at 1 Hz does not flicker.
public final class TerminalOutput: @unchecked Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var lastFrame: [String] = []
    private var lastSize: (columns: Int, rows: Int) = (0, 0)

    public init(ttyPath: String? = nil) throws {
        if let ttyPath {
            let fd = open(ttyPath, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw TerminalError(message: "cannot open \(ttyPath): \(String(cString: strerror(errno)))") }
            self.fd = fd
            ownsDescriptor = true
        } else {
            fd = STDOUT_FILENO
            ownsDescriptor = false
        }
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// The terminal's size, or 80×24 when it is not a terminal.
    public func size() -> (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    public func draw(_ lines: [String]) {
        let size = size()
        var out = ""
        if size != lastSize {
            out += "\u{1B}[?25l\u{1B}[2J"  // hide cursor, clear: a resize redraws everything
            lastFrame = []
            lastSize = size
        }
        for (row, line) in lines.enumerated() where row >= lastFrame.count || lastFrame[row] != line {
            out += "\u{1B}[\(row + 1);1H\(line)\u{1B}[K"
        }
        lastFrame = lines
        write(out)
    }

    /// The terminal bell, `times` in a row (the card-left reminder grows louder).
    public func bell(times: Int) {
        write(String(repeating: "\u{07}", count: max(1, min(times, 5))))
    }

    /// Leaves the terminal as it was found: cursor shown, screen cleared.
    public func restore() {
        write("\u{1B}[0m\u{1B}[2J\u{1B}[H\u{1B}[?25h")
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}

public struct TerminalError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
