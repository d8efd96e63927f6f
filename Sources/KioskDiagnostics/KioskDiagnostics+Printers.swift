import Foundation
import KioskCore
import KioskPrint

extension KioskDiagnostics {
    /// cupsd, then each configured printer (receipt, certificate): state, reasons, media and
    /// stuck jobs; with `testPage` the test page on each printer that can print.
    static func printerChecks(_ configuration: KioskConfiguration, _ options: DiagnosticOptions) async -> [DiagnosticResult] {
        var results: [DiagnosticResult] = []
        do {
            let queues = try await CUPSPrinterDirectory(timeoutMs: 4000).printers()
            results.append(.ok("cups", "cupsd answers; \(queues.count) queue\(queues.count == 1 ? "" : "s")"))
        } catch {
            results.append(
                DiagnosticResult(
                    check: "cups", verdict: .fail, actor: .technician, detail: "cupsd does not answer: \(plain(error))",
                    action: "start cups (systemctl start cups)", actionZh: "请技术人员启动打印服务 cups"))
        }
        results.append(rendererCheck(options))
        var roles: [(queue: String, role: String)] = [(configuration.printers.receipt, "receipt")]
        if configuration.printers.certificate == configuration.printers.receipt {
            roles[0].role = "receipt and certificate"
        } else {
            roles.append((configuration.printers.certificate, "certificate"))
        }
        for (queue, role) in roles {
            let printer = CUPSKioskPrinter(queue: queue, log: UnrecordedPrintLog(), timeoutMs: 4000)
            let snapshot = await printer.status()
            let stuck = await stuckJobs(queue: queue)
            var judgement = DiagnosticRules.printer(snapshot, stuckJobs: stuck)
            var detail = describe(snapshot, role: role, stuck: stuck)
            var page: DiagnosticResult?
            if options.testPage {
                let (result, job) = await testPage(printer, snapshot, role: role, configuration, options)
                page = result
                // A USB or serial printer says how it is only while it prints: the test page is
                // the technician's way to confirm it, so its outcome is the printer's verdict.
                if snapshot.condition == .unconfirmed, let job {
                    (judgement, detail) = await confirm(printer, job: job, stuckJobs: stuck, detail: detail)
                }
            }
            results.append(result("printer \(queue)", judgement, detail))
            if let page { results.append(page) }
        }
        return results
    }

    /// Follows the test page on a printer nobody can ask until it completes, is held by a fault
    /// the printer reports, or 30 s pass; the judgement of what the job showed.
    private static func confirm(
        _ printer: CUPSKioskPrinter, job: PrintJobStatus, stuckJobs: Int, detail: String
    ) async -> (DiagnosticRules.Judgement, String) {
        let seen: PrintJobProgress? = await withTaskGroup(of: PrintJobProgress?.self) { group in
            group.addTask {
                var last: PrintJobProgress?
                do {
                    for try await progress in printer.follow(jobId: job.jobId, requestId: "diag-\(job.jobId)") {
                        last = progress
                        if progress.isHeld { break }
                    }
                } catch {}
                return last
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let seen else {
            return (
                DiagnosticRules.printer(await printer.status(), stuckJobs: stuckJobs),
                "\(detail); the test page (job \(job.jobId)) did not finish within 30 s"
            )
        }
        if seen.job.state == .completed {
            return (
                DiagnosticRules.printer(.init(queue: printer.queue, condition: .ready, state: "idle", reasons: []), stuckJobs: stuckJobs),
                "\(detail); confirmed: the test page (job \(job.jobId)) completed"
            )
        }
        if seen.isHeld {
            return (
                DiagnosticRules.printer(seen.printer, stuckJobs: stuckJobs),
                "\(detail); the test page (job \(job.jobId)) is held: the printer reports \(seen.printer.condition.rawValue)"
            )
        }
        return (
            DiagnosticRules.printer(seen.printer, stuckJobs: stuckJobs),
            "\(detail); the test page (job \(job.jobId)) ended \(seen.job.state.rawValue)"
        )
    }

    /// kiosk-render, which draws every receipt and certificate: without it every print fails.
    public static func rendererCheck(_ options: DiagnosticOptions) -> DiagnosticResult {
        let path = options.renderExecutable ?? ProcessDocumentRenderer.siblingRenderer
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return DiagnosticResult(
                check: "renderer", verdict: .fail, actor: .technician,
                detail: "kiosk-render is missing at \(path): no receipt or certificate can be printed",
                action: "install kiosk-render from the same release beside kioskd", actionZh: "请技术人员在 kioskd 旁安装同版本的 kiosk-render")
        }
        return .ok("renderer", "kiosk-render at \(path)")
    }

    /// The jobs of `queue` unfinished for more than ten minutes; 0 when cupsd cannot tell
    /// (the printer's own result already says cupsd is down).
    private static func stuckJobs(queue: String) async -> Int {
        guard let jobs = try? await CUPSJobList(timeoutMs: 4000).unfinishedJobs(queue: queue) else { return 0 }
        return DiagnosticRules.stuckJobs(createdAt: jobs.map(\.createdAt), now: Int(Date.now.timeIntervalSince1970))
    }

    /// What was seen, in a line: role, state, reasons, media, queue, stuck jobs, why offline.
    static func describe(_ s: PrinterSnapshot, role: String, stuck: Int) -> String {
        if s.reasons.contains(PrinterSnapshot.cupsdUnreachable) {
            return "\(role) printer: unknown, cupsd does not answer"
        }
        var parts = ["\(role) printer: \(s.condition.rawValue)", "state \(s.state)"]
        parts.append("reasons \(s.reasons.isEmpty ? "none" : s.reasons.joined(separator: ","))")
        if !s.media.isEmpty { parts.append("media \(s.media.joined(separator: ","))") }
        if !s.acceptingJobs && s.state != "unknown" { parts.append("not accepting jobs") }
        if s.queuedJobs > 0 { parts.append("\(s.queuedJobs) job\(s.queuedJobs == 1 ? "" : "s") queued") }
        if stuck > 0 { parts.append("\(stuck) unfinished for more than \(DiagnosticRules.stuckJobSeconds / 60) minutes") }
        if let detail = s.detail { parts.append(detail) }
        return parts.joined(separator: "; ")
    }

    /// The printer's test page (the one `kioskctl printer test-page` prints), sent only when the
    /// printer can print: a page sent to an empty roll would wait there for the next citizen.
    private static func testPage(
        _ printer: CUPSKioskPrinter, _ snapshot: PrinterSnapshot, role: String, _ configuration: KioskConfiguration,
        _ options: DiagnosticOptions
    ) async -> (DiagnosticResult, PrintJobStatus?) {
        let check = "test page \(printer.queue)"
        guard snapshot.condition.canPrint else {
            return (
                DiagnosticResult(
                    check: check, verdict: .warn, actor: .technician, detail: "not sent: the printer is \(snapshot.condition.rawValue)",
                    action: "fix the printer first (see its line above), then run the check again with the test page"), nil
            )
        }
        let templates: PrintTemplates
        do {
            templates = try PrintTemplates.load(directory: configuration.files.directory, locale: configuration.kiosk.locale)
        } catch {
            return (
                DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the print templates cannot be read: \(plain(error))",
                    action: "check files.directory in the configuration and its templates/ folder"), nil
            )
        }
        let renderer = ProcessDocumentRenderer.renderer(templates: templates, executable: options.renderExecutable)
        let time = Self.chinaTime()
        do {
            let certificate = role == "certificate"
            let document =
                certificate
                ? try await renderer.certificate(
                    templates.testCertificate(hall: configuration.kiosk.hall, kioskId: configuration.kiosk.id, time: time))
                : try await renderer.receipt(
                    templates.testReceipt(hall: configuration.kiosk.hall, kioskId: configuration.kiosk.id, time: time))
            let job = try await printer.submit(
                PrintSubmission(
                    requestId: UUID().uuidString.lowercased(), kind: .testPage, sessionId: nil, pdf: document.pdf, pages: document.pages,
                    media: certificate ? templates.certificate.media : templates.receipt.media, safeToRetry: true))
            return (.ok(check, "test page sent as job \(job.jobId) (\(job.state.rawValue)); look at the paper that comes out"), job)
        } catch {
            let code = (error as? KioskError)?.code
            return (
                DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the test page was not printed: \(plain(error))",
                    action: code == .cupsUnavailable ? "start cups (systemctl start cups)" : "check the printer, then kioskctl printer list"
                ),
                nil
            )
        }
    }

    /// Now in China's time, as printed on the test page.
    private static func chinaTime() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: .now)
    }
}
