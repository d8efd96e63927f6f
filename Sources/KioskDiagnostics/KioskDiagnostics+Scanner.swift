import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#endif

extension KioskDiagnostics {
    /// The QR scanner's serial port (电子社保卡): there, and openable by this user. A scan itself
    /// needs a citizen's phone; the port is what a technician can fix.
    static func scannerCheck(_ scanner: KioskConfiguration.Scanner) -> DiagnosticResult? {
        guard !scanner.device.isEmpty else { return nil }
        let check = "scanner"
        let line = "\(scanner.baud) \(scanner.dataBits)\(scanner.parity.prefix(1).uppercased())\(scanner.stopBits)"
        guard FileManager.default.fileExists(atPath: scanner.device) else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "the scanner's port \(scanner.device) is not there",
                action:
                    "plug the QR scanner in (USB) and check it appears as \(scanner.device), in serial (CDC-ACM) mode; or fix scanner.device",
                actionZh: "请技术人员检查扫码器连接")
        }
        // Non-blocking, no controlling terminal: opening must not wait for a modem line or
        // take the port from kioskd, which holds it open as well.
        let fd = open(scanner.device, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "\(scanner.device) cannot be opened: \(why)",
                action: errno == EACCES
                    ? "give the kiosk's user access to the port (the dialout group, or a udev rule for the scanner)"
                    : "check the scanner and its cable; replug it",
                actionZh: "请技术人员检查扫码器")
        }
        close(fd)
        return .ok(check, "port \(scanner.device) opens (\(line)); scan a code at the attract screen to try it")
    }
}
