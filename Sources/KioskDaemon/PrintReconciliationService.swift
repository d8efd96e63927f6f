import KioskCore
import Logging
import ServiceLifecycle

/// At start, closes every print request left open by a crash or power cut against CUPS's job
/// history (KioskPrinter.reconcile): completed ones are done, aborted or missing ones reported.
/// Nothing is reprinted by the kiosk on its own; a certificate never is.
struct PrintReconciliationService: Service {
    let printers: [PrinterRole: any KioskPrinter]
    let logger: Logger

    func run() async throws {
        for (role, printer) in printers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                for finding in try await printer.reconcile() {
                    let level: Logger.Level = finding.finding == .completed ? .info : .warning
                    logger.log(
                        level: level, "print request reconciled",
                        metadata: [
                            "printer": "\(role.rawValue)", "request": "\(finding.request.id)", "finding": "\(finding.finding.rawValue)",
                            "reprint": "\(finding.shouldReprint)",
                        ])
                }
            } catch {
                logger.warning("could not reconcile \(role.rawValue) prints now: \(error)")
            }
        }
        try? await gracefulShutdown()
    }
}
