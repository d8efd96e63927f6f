import KioskCore
import Logging
import ServiceLifecycle

/// At start, closes every print request left open by a crash or power cut against CUPS's job
/// history (KioskPrinter.reconcileCancellingUnfinished): completed ones are done; one still
/// queued, held for paper or printing is cancelled, because its citizen is gone and a certificate
/// must not come out for the next one; aborted or missing ones are closed. Each is journalled
/// (a `print` record with `reconciled: true`, which the hub receives like any other) and logged.
/// Nothing is reprinted by the kiosk on its own; a certificate never is.
struct PrintReconciliationService: Service {
    let printers: [PrinterRole: any KioskPrinter]
    let store: any RecordStore
    var metrics: KioskMetrics?
    let logger: Logger

    func run() async throws {
        for (role, printer) in printers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                for finding in try await printer.reconcileCancellingUnfinished() {
                    let level: Logger.Level = finding.finding == .completed ? .info : .warning
                    logger.log(
                        level: level, "print request reconciled",
                        metadata: [
                            "printer": "\(role.rawValue)", "request": "\(finding.request.id)", "finding": "\(finding.finding.rawValue)",
                            "reprint": "\(finding.shouldReprint)",
                        ])
                    let entry = JournalEntry.printReconciled(finding)
                    do {
                        _ = try await store.append(entry)
                        metrics?.observe(entry)
                    } catch {
                        logger.error("the reconciled print \(finding.request.id) could not be journalled: \(error)")
                    }
                }
            } catch {
                logger.warning("could not reconcile \(role.rawValue) prints now: \(error)")
            }
        }
        try? await gracefulShutdown()
    }
}
