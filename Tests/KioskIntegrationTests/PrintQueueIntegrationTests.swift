import Foundation
import KioskCore
import KioskPrint
import KioskRender
import KioskTesting
import Testing

/// Our adapter and kioskctl against cupsd and the rigs' ippeveprinter queues, on the receipt and
/// A4 printers, without faults (those are in PrintFaultIntegrationTests, on their own printer).
@Suite(.tags(.integration)) struct PrintQueueIntegrationTests {
    static let config = Rigs.repo.appendingPathComponent("kiosk-config/kiosk.yaml").path

    static func renderer() throws -> DocumentRenderer {
        DocumentRenderer(templates: try PrintTemplates.load(directory: Rigs.repo.appendingPathComponent("kiosk-config").path))
    }

    static func receipt(_ transaction: String) throws -> RenderedDocument {
        let renderer = try renderer()
        var content = renderer.templates.testReceipt(hall: "集成测试大厅", kioskId: "KIOSK-TEST", time: "2026-11-22 10:00:00")
        content.transactionNo = transaction
        return try renderer.receipt(content)
    }

    static func submission(_ id: String, _ doc: RenderedDocument, kind: PrintRequest.Kind = .receipt) -> PrintSubmission {
        PrintSubmission(
            requestId: id, kind: kind, sessionId: "it", pdf: doc.pdf, pages: doc.pages, media: ["iso_a4_210x297mm"],
            safeToRetry: kind == .receipt)
    }

    @Test func printerListShowsRolesStateAndReasons() async throws {
        let out = try await Rigs.run("kioskctl", ["printer", "list", "--json", "--config", Self.config])
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(lines.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["kiosk-receipt"]?["role"] as? String == "receipt")
        #expect(byName["kiosk-a4"]?["role"] as? String == "certificate")
        #expect(byName["kiosk-fault"]?["role"] is NSNull)
        #expect(
            lines.allSatisfy { $0.keys.sorted() == ["condition", "detail", "media", "name", "queuedJobs", "reasons", "role", "state"] })
        #expect((byName["kiosk-a4"]?["media"] as? [String])?.isEmpty == false, "media-ready from the printer")
    }

    @Test func aTestPageCompletes() async throws {
        let out = try await Rigs.run("kioskctl", ["printer", "test-page", "certificate", "--wait", "--config", Self.config])
        #expect(out.exitCode == 0, "stdout: \(out.stdout) stderr: \(out.stderr)")
        #expect(out.stdout.contains("on kiosk-a4") && out.stdout.contains(": completed"), "\(out.stdout)")
    }

    /// Recorded before sent, followed to completed, closed once; the printer got the document.
    @Test func aReceiptIsLoggedSentFollowedAndKeptByThePrinter() async throws {
        let log = InMemoryPrintRequestLog()
        let printer = CUPSKioskPrinter(queue: "kiosk-receipt", log: log)
        let id = UUID().uuidString.lowercased()
        let doc = try Self.receipt("TX-IT-\(id.prefix(8))")
        let job = try await printer.submit(Self.submission(id, doc))
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: id)
        #expect(final.state == .completed)
        #expect(await log.events == [.recorded(id), .attached(id, jobId: job.jobId), .finished(id, .completed)])
        let jobs = Rigs.repo.appendingPathComponent(".rigs/jobs/receipt")
        let kept = try FileManager.default.contentsOfDirectory(atPath: jobs.path).filter { $0.contains("kioskd-\(id)") }
        #expect(kept.count == 1, "one file for the job in \(jobs.path)")
        if let file = kept.first {
            let text = try await Rigs.tool("pdftotext", [jobs.appendingPathComponent(file).path, "-"]).stdout
            #expect(text.contains("TX-IT-\(id.prefix(8))"))
        }
    }

    /// A kiosk restarted after sending: a new adapter closes what CUPS completed, and reports
    /// what CUPS never heard of without reprinting it.
    @Test func openRequestsAreReconciledAfterARestart() async throws {
        let log = InMemoryPrintRequestLog()
        let sent = UUID().uuidString.lowercased()
        let job = try await CUPSKioskPrinter(queue: "kiosk-a4", log: log).submit(Self.submission(sent, try Self.receipt("TX-RESTART")))
        try await log.recordRequest(
            PrintRequest(
                id: "ghost-\(sent)", kind: .certificate, printer: "kiosk-a4", sessionId: nil, documentSHA256: "00", pages: 1,
                createdAt: "2026-11-22T02:00:00Z", jobId: nil, safeToRetry: false))

        let restarted = CUPSKioskPrinter(queue: "kiosk-a4", log: log)
        var findings: [String: PrintReconciliation] = [:]
        let deadline = ContinuousClock.now + .seconds(15)
        repeat {
            for r in try await restarted.reconcile().findings { findings[r.request.id] = r }
            if findings[sent]?.finding != .stillInQueue { break }
            try await Task.sleep(for: .milliseconds(300))
        } while ContinuousClock.now < deadline
        #expect(findings[sent]?.finding == .completed && findings[sent]?.jobId == job.jobId)
        #expect(findings["ghost-\(sent)"]?.finding == .missing && findings["ghost-\(sent)"]?.shouldReprint == false)
        #expect(await log.outcomes[sent] == .completed)
        #expect(await log.outcomes["ghost-\(sent)"] == .missing)
        #expect(try await log.openRequests().isEmpty)
    }

    @Test func statusComesFromThePrinterItself() async throws {
        let snapshot = await CUPSKioskPrinter(queue: "kiosk-a4", log: UnrecordedPrintLog()).status()
        #expect(snapshot.detail == nil, "\(snapshot)")
        #expect(!snapshot.media.isEmpty, "media-ready, asked from the printer: \(snapshot)")
        #expect(["idle", "processing"].contains(snapshot.state))
        let missing = await CUPSKioskPrinter(queue: "kiosk-no-such-queue", log: UnrecordedPrintLog()).status()
        #expect(missing.condition == .offline && missing.detail?.contains("no queue") == true, "\(missing)")
    }

    /// cupsd "stopped": the client pointed at a loopback port where nothing listens.
    @Test(arguments: [["printer", "list"], ["printer", "test-page", "receipt", "--wait"]])
    func cupsdDownIsAClearErrorWithinFiveSeconds(arguments: [String]) async throws {
        let started = ContinuousClock.now
        let out = try await Rigs.run("kioskctl", arguments + ["--config", Self.config], environment: ["CUPS_SERVER": "127.0.0.1:9"])
        #expect(out.exitCode == 1)
        #expect(out.stderr.contains("cupsd is not reachable") || out.stderr.contains("does not answer"), "\(out.stderr)")
        #expect(out.stderr.contains("start cupsd") || out.stderr.contains("check the printer"), "\(out.stderr)")
        // kioskctl's own limit is 5 s; this bound only tells a hang from a slow, loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
