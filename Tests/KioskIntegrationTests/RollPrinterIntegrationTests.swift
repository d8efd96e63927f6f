import Foundation
import KioskCore
import KioskPrint
import KioskRender
import KioskTesting
import Subprocess
import SystemPackage
import Testing

/// The rigs' 80 mm roll printers on a non-IPP link (the kiosk-roll CUPS backend, as a kiosk's USB
/// thermal printer): what reaches the printer is 80 mm wide, and kioskd shows what can honestly be
/// known of a printer nobody can ask — unconfirmed at idle, live during a job, the last job's fault
/// kept. Faults on kiosk-roll-fault only (no other test prints there), one test at a time.
@Suite(.tags(.integration), .serialized, .timeLimit(.minutes(2))) struct RollPrinterIntegrationTests {
    static let faultQueue = "kiosk-roll-fault"
    static let rigs = Rigs.repo.appendingPathComponent(".rigs")

    static func receipt(_ transaction: String) throws -> RenderedDocument {
        let renderer = DocumentRenderer(
            templates: try PrintTemplates.load(directory: Rigs.repo.appendingPathComponent("kiosk-config").path))
        var content = renderer.templates.testReceipt(hall: "卷纸测试", kioskId: "KIOSK-ROLL", time: "2026-12-04 10:00:00")
        content.transactionNo = transaction
        return try renderer.receipt(content)
    }

    static func submission(_ id: String, _ document: RenderedDocument) throws -> PrintSubmission {
        let templates = try PrintTemplates.load(directory: Rigs.repo.appendingPathComponent("kiosk-config").path)
        return PrintSubmission(
            requestId: id, kind: .receipt, sessionId: "roll", pdf: document.pdf, pages: document.pages, media: templates.receipt.media,
            safeToRetry: true)
    }

    static func fault(_ printer: String, _ what: String) async throws {
        let result = try await Subprocess.run(
            .path(FilePath(Rigs.repo.appendingPathComponent("devices/virtual-printer/fault").path)), arguments: [printer, what],
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus.isSuccess, "fault \(printer) \(what): \(result.standardError)")
    }

    /// The file the printer kept for a job (the backend names it by job id and job name).
    static func kept(_ printer: String, jobId: Int) -> URL? {
        let folder = rigs.appendingPathComponent("jobs/\(printer)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.first { $0.hasPrefix("job-\(jobId)-") && $0.hasSuffix(".pdf") }.map { folder.appendingPathComponent($0) }
    }

    /// Page sizes in points of every page of a PDF, by pdfinfo.
    static func pageSizes(_ file: URL) async throws -> [(Double, Double)] {
        let out = try await Rigs.tool("pdfinfo", ["-f", "1", "-l", "99", file.path])
        #expect(out.exitCode == 0, "pdfinfo: \(out.stderr)")
        return out.stdout.split(separator: "\n").compactMap { line in
            guard let match = line.firstMatch(of: /size:\s+([0-9.]+) x ([0-9.]+) pts/) else { return nil }
            return (Double(match.1) ?? 0, Double(match.2) ?? 0)
        }
    }

    static func waitFor(_ printer: CUPSKioskPrinter, seconds: Int, _ condition: (PrinterSnapshot) -> Bool) async throws -> PrinterSnapshot {
        try await PrintFaultIntegrationTests.waitFor(printer, seconds: seconds, condition)
    }

    /// One receipt sent and followed to its end: the job as sent, and its final state.
    static func printReceipt(_ printer: CUPSKioskPrinter, _ transaction: String) async throws -> (PrintJobStatus, PrintJobStatus) {
        let id = UUID().uuidString.lowercased()
        let job = try await printer.submit(try submission(id, try receipt(transaction)))
        return (job, try await printer.waitForCompletion(jobId: job.jobId, requestId: id))
    }

    /// Runs `body` on kiosk-roll-fault, then always clears the fault and, once the queue is idle,
    /// prints one page so cupsd forgets what the test's last job met.
    static func withFaultPrinter(_ body: (CUPSKioskPrinter, InMemoryPrintRequestLog) async throws -> Void) async throws {
        let log = InMemoryPrintRequestLog()
        let printer = CUPSKioskPrinter(queue: faultQueue, log: log, jobPollInterval: .milliseconds(200))
        var failure: (any Error)?
        do { try await body(printer, log) } catch { failure = error }
        try await fault("roll-fault", "clear")
        _ = try await waitFor(printer, seconds: 20) { $0.state == "idle" && $0.queuedJobs == 0 }
        if await printer.status().lastReportedFault != nil { _ = try await printReceipt(printer, "TX-ROLL-RESET") }
        if let failure { throw failure }
    }

    /// The queue and the printer offer the roll; a receipt arrives 80 mm wide, not on Letter, and
    /// in one piece.
    @Test func aReceiptReachesThePrinterOnThe80mmRoll() async throws {
        let log = InMemoryPrintRequestLog()
        let printer = CUPSKioskPrinter(queue: "kiosk-receipt", log: log)
        let attributes = try await Rigs.tool(
            "ipptool", ["-tv", "ipp://localhost/printers/kiosk-receipt", "get-printer-attributes.test"])
        let supported = attributes.stdout.split(separator: "\n").first { $0.contains("media-supported (") } ?? ""
        #expect(supported.contains("80x297mm") && !supported.contains("letter"), "the queue offers the roll only: \(supported)")
        let id = UUID().uuidString.lowercased()
        let document = try Self.receipt("TX-ROLL-\(id.prefix(8))")
        let job = try await printer.submit(try Self.submission(id, document))
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: id)
        #expect(final.state == .completed)
        #expect(job.media?.contains("80x297mm") == true, "kioskd chose the roll among the queue's media: \(job.media ?? "none")")
        let file = try #require(Self.kept("receipt", jobId: job.jobId), "the printer kept job \(job.jobId)")
        let sizes = try await Self.pageSizes(file)
        #expect(sizes.count == document.pages, "\(sizes)")
        for (width, height) in sizes {
            // 80 mm is 226.77 pt; Letter would be 612 pt wide.
            #expect(abs(width - 226.77) < 1, "page width \(width) pt is not the 80 mm roll")
            #expect(height >= 200 && height <= 842, "page height \(height) pt")
        }
        let text = try await Rigs.tool("pdftotext", [file.path, "-"]).stdout
        #expect(text.contains("TX-ROLL-\(id.prefix(8))"))
        // At the top of the roll, not centred on its 297 mm (paper before it would be wasted).
        let boxes = try await Rigs.tool("pdftotext", ["-bbox", "-l", "1", file.path, "-"]).stdout
        let firstTop = boxes.firstMatch(of: /yMin="([0-9.]+)"/).flatMap { Double($0.1) } ?? 999
        #expect(firstTop < 60, "the receipt starts \(firstTop) pt down the roll")
    }

    /// Idle, nobody can ask the printer: unconfirmed, never ready, and a job may still be sent.
    @Test func anIdleUSBPrinterIsUnconfirmedNeverReady() async throws {
        let printer = CUPSKioskPrinter(queue: "kiosk-receipt", log: UnrecordedPrintLog())
        let status = try await Self.waitFor(printer, seconds: 20) { $0.state == "idle" }
        #expect(status.condition == .unconfirmed, "\(status)")
        #expect(status.condition.canPrint)
        let list = try await Rigs.run(
            "kioskctl", ["printer", "list", "--json", "--config", Rigs.repo.appendingPathComponent("kiosk-config/kiosk.yaml").path])
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let receipt = lines.first { $0["name"] as? String == "kiosk-receipt" }
        #expect(receipt?["condition"] as? String == "unconfirmed", "\(list.stdout)")
    }

    /// The roll runs out while idle: nothing can know it, so nothing says so; the next job meets
    /// it, the printer reports it live and the job waits; the citizen gives up (cancel) and cupsd
    /// keeps the fault, shown as the last job's; a refilled roll prints the next job and the fault
    /// is gone.
    @Test func aFaultIsKnownOnlyFromAJobAndKeptAfterIt() async throws {
        try await Self.withFaultPrinter { printer, log in
            try await Self.fault("roll-fault", "paper-out")
            try await Task.sleep(for: .milliseconds(500))
            let idle = await printer.status()
            #expect(idle.condition == .unconfirmed && idle.lastReportedFault == nil, "nobody polled the idle printer: \(idle)")

            let id = UUID().uuidString.lowercased()
            let job = try await printer.submit(try Self.submission(id, try Self.receipt("TX-ROLL-OUT")))
            let during = try await Self.waitFor(printer, seconds: 20) { $0.condition == .paperOut }
            #expect(during.state == "processing", "\(during)")
            var held = false
            for try await progress in printer.follow(jobId: job.jobId, requestId: id) where progress.isHeld {
                held = progress.printer.condition == .paperOut
                break
            }
            #expect(held, "the job was held for paper")
            try await printer.cancel(jobId: job.jobId, requestId: id)
            #expect(await log.outcomes[id] == .cancelled)
            let after = try await Self.waitFor(printer, seconds: 20) { $0.state == "idle" }
            #expect(after.condition == .unconfirmed && after.lastReportedFault == .paperOut, "\(after)")
            #expect(after.shownCondition == .paperOut)
            #expect(DeviceHealthBook.printerState(after) == (.failed, ["media-empty"]))
            #expect(Self.kept("roll-fault", jobId: job.jobId) == nil, "a cancelled job printed nothing")

            try await Self.fault("roll-fault", "clear")
            let (_, refilled) = try await Self.printReceipt(printer, "TX-ROLL-REFILLED")
            #expect(refilled.state == .completed)
            let now = try await Self.waitFor(printer, seconds: 20) { $0.state == "idle" }
            #expect(now.condition == .unconfirmed && now.lastReportedFault == nil, "the job cleared the fault: \(now)")
        }
    }

    /// kioskctl diag on a printer nobody can ask: a warning without a test page, confirmed by one
    /// that completes, and the staff's fault when the test page meets an empty roll.
    @Test func diagConfirmsARollPrinterByItsTestPageOrSaysWhatItMet() async throws {
        try await Self.withFaultPrinter { _, _ in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-roll-diag-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let config = try DiagIntegrationTests.writeConfig(in: folder, certificate: Self.faultQueue)
            let name = "printer \(Self.faultQueue)"
            let quiet = try await DiagIntegrationTests.diag(config: config)
            let quietLine = try quiet.check(name)
            #expect(quietLine["verdict"] as? String == "warn", "\(quietLine)")
            #expect((quietLine["detail"] as? String)?.contains("unconfirmed") == true, "\(quietLine)")
            let confirmed = try await DiagIntegrationTests.diag(config: config, ["--test-page"])
            let confirmedLine = try confirmed.check(name)
            #expect(confirmedLine["verdict"] as? String == "ok", "\(confirmedLine)")
            #expect((confirmedLine["detail"] as? String)?.contains("confirmed") == true, "\(confirmedLine)")
            try await Self.fault("roll-fault", "paper-out")
            let empty = try await DiagIntegrationTests.diag(config: config, ["--test-page"])
            let emptyLine = try empty.check(name)
            #expect(emptyLine["verdict"] as? String == "fail" && emptyLine["actor"] as? String == "staff", "\(emptyLine)")
            #expect(try empty.action(name) == "load paper")
        }
    }

    /// A roll nearly empty: the job prints and cupsd keeps the warning, shown at idle.
    @Test func aRollNearlyEmptyIsShownAfterTheJobThatSawIt() async throws {
        try await Self.withFaultPrinter { printer, _ in
            try await Self.fault("roll-fault", "paper-low")
            let (_, final) = try await Self.printReceipt(printer, "TX-ROLL-LOW")
            #expect(final.state == .completed)
            let after = try await Self.waitFor(printer, seconds: 20) { $0.state == "idle" }
            #expect(after.lastReportedFault == .paperLow && after.shownCondition == .paperLow, "\(after)")
            #expect(DeviceHealthBook.printerState(after).0 == .degraded)
        }
    }
}
