import KioskCore
import Logging
import ServiceLifecycle

/// At start, closes every print request left open by a crash or power cut against CUPS's job
/// history (KioskPrinter.reconcileCancellingUnfinished): completed ones are done; one still
/// queued, held for paper or printing is cancelled, because its citizen is gone and a certificate
/// must not come out for the next one; aborted or missing ones are closed. Each is journalled
/// (a `print` record with `reconciled: true`, which the hub receives like any other) and logged.
/// Nothing is reprinted by the kiosk on its own; a certificate never is.
///
/// A request CUPS cannot be asked about now (cupsd down at start) is tried again every
/// `retryEvery` until it is settled: a job held for paper in a cupsd that comes back later must
/// still be cancelled before someone refills the tray. The retries name those requests only, so
/// a citizen served meanwhile never has their job touched.
struct PrintReconciliationService: Service {
    let printers: [PrinterRole: any KioskPrinter]
    let store: any RecordStore
    var metrics: KioskMetrics?
    var retryEvery: Duration = .seconds(15)
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var pending = printers.sorted(by: { $0.key.rawValue < $1.key.rawValue }).map {
                (role: $0.key, printer: $0.value, only: Set<String>?.none)
            }
            var attempt = 0
            while !pending.isEmpty {
                if attempt > 0 { try await Task.sleep(for: retryEvery) }
                attempt += 1
                var next: [(role: PrinterRole, printer: any KioskPrinter, only: Set<String>?)] = []
                for entry in pending {
                    if let left = await pass(entry.role, entry.printer, only: entry.only, attempt: attempt) {
                        next.append((entry.role, entry.printer, left))
                    }
                }
                pending = next
            }
        }
        try? await gracefulShutdown()
    }

    /// One pass over a printer; the requests it left open, or nil when none is left.
    private func pass(_ role: PrinterRole, _ printer: any KioskPrinter, only: Set<String>?, attempt: Int) async -> Set<String>? {
        let pass: PrintReconciliationPass
        do {
            pass = try await printer.reconcileCancellingUnfinished(only: only)
        } catch {
            // The store could not say which requests are open. A retry names its requests, so it
            // is tried again; a first pass is not, since one over every open request later would
            // take in the jobs of citizens served meanwhile.
            guard let only else {
                logger.error("\(role.rawValue) prints left open are not reconciled until the next start: \(error)")
                return nil
            }
            return only
        }
        for finding in pass.findings { await journal(finding, role: role) }
        guard !pass.unsettled.isEmpty else {
            if attempt > 1 { logger.notice("\(role.rawValue) prints left open at start reconciled at attempt \(attempt)") }
            return nil
        }
        if attempt == 1 {
            for unsettled in pass.unsettled {
                logger.warning(
                    "print request not reconciled yet, trying again every \(retryEvery)",
                    metadata: [
                        "printer": "\(role.rawValue)", "request": "\(unsettled.request.id)", "reason": "\(unsettled.reason)",
                    ])
            }
        }
        return Set(pass.unsettled.map(\.request.id))
    }

    private func journal(_ finding: PrintReconciliation, role: PrinterRole) async {
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
}
