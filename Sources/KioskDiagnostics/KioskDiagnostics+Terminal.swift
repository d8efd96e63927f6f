import CSystemShims
import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#endif

extension KioskDiagnostics {
    /// The citizen's screen: the configured tty exists, is a terminal, and is big enough; without
    /// one, whether standard output is a terminal (kioskd on a pipe shows nobody anything).
    static func terminalCheck(ttyPath: String?) -> DiagnosticResult {
        let check = "terminal"
        guard let ttyPath else {
            if isatty(STDOUT_FILENO) == 1 {
                return size(of: STDOUT_FILENO, check: check, what: "standard output")
            }
            return DiagnosticResult(
                check: check, verdict: .warn, actor: .technician, detail: "standard output is not a terminal and no tty is configured",
                action: "run kioskd on the kiosk's console (kioskd --tty /dev/ttyN), not on a pipe or a log")
        }
        guard FileManager.default.fileExists(atPath: ttyPath) else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "the terminal \(ttyPath) does not exist",
                action: "correct kioskd's --tty, or check the console (kmscon, fbterm) is running")
        }
        let fd = open(ttyPath, O_RDONLY | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician,
                detail: "the terminal \(ttyPath) cannot be opened: \(String(cString: strerror(errno)))",
                action: "give kioskd's user access to \(ttyPath) (group tty), or correct --tty")
        }
        defer { close(fd) }
        guard isatty(fd) == 1 else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "\(ttyPath) is not a terminal",
                action: "point kioskd's --tty at the console device (e.g. /dev/tty1)")
        }
        return size(of: fd, check: check, what: ttyPath)
    }

    private static func size(of fd: Int32, check: String, what: String) -> DiagnosticResult {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else {
            return DiagnosticResult(
                check: check, verdict: .warn, actor: .technician, detail: "\(what) is a terminal but does not report its size",
                action: "set the console size (stty cols 80 rows 24, or the console's font settings)")
        }
        let columns = Int(ws.ws_col)
        let rows = Int(ws.ws_row)
        return result(
            check, DiagnosticRules.terminalSize(columns: columns, rows: rows), "\(what) is a terminal of \(columns)×\(rows)")
    }
}
