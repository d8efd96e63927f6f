import Foundation
import KioskCore
import KioskPrint
import KioskRender

/// A test page on one of the kiosk's printers, as `kioskctl printer test-page` and `kioskctl
/// setup` print it: drawn from the templates, sent to the queue, optionally followed to its end.
struct TestPageJob {
    let printer: CUPSKioskPrinter
    let queue: String
    let job: PrintJobStatus
    let requestId: String

    /// Draws and sends the test page for `role` to its queue in `configuration`.
    static func submit(_ role: PrinterRole, configuration: KioskConfiguration, templates: PrintTemplates) async throws -> TestPageJob {
        let renderer = DocumentRenderer(templates: templates)
        let (hall, kioskId, now) = (configuration.kiosk.hall, configuration.kiosk.id, PrintOptions.localTime())
        let document =
            role == .receipt
            ? try renderer.receipt(templates.testReceipt(hall: hall, kioskId: kioskId, time: now))
            : try renderer.certificate(templates.testCertificate(hall: hall, kioskId: kioskId, time: now))
        let queue = role == .receipt ? configuration.printers.receipt : configuration.printers.certificate
        let printer = CUPSKioskPrinter(queue: queue, log: UnrecordedPrintLog(), timeoutMs: 4000)
        let requestId = UUID().uuidString.lowercased()
        let job = try await printer.submit(
            PrintSubmission(
                requestId: requestId, kind: .testPage, sessionId: nil, pdf: document.pdf, pages: document.pages,
                media: role == .receipt ? templates.receipt.media : templates.certificate.media, safeToRetry: true))
        return TestPageJob(printer: printer, queue: queue, job: job, requestId: requestId)
    }

    /// Follows the job to its last state; nil when it is still going after `within` (held by a
    /// printer fault). Every step goes to `progress`.
    func final(within: Duration, progress: @escaping @Sendable (PrintJobProgress) -> Void = { _ in }) async throws -> PrintJobStatus? {
        let (printer, jobId, requestId) = (printer, job.jobId, requestId)
        return try await withThrowingTaskGroup(of: PrintJobStatus?.self) { group in
            group.addTask {
                var last: PrintJobStatus?
                for try await step in printer.follow(jobId: jobId, requestId: requestId) {
                    last = step.job
                    progress(step)
                }
                return last
            }
            group.addTask {
                try await Task.sleep(for: within)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
