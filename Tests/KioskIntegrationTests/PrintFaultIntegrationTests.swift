import Foundation
import KioskCore
import KioskPrint
import KioskRender
import KioskTesting
import Subprocess
import SystemPackage
import Testing

/// Printer faults, on the rigs' kiosk-fault printer only (no other test prints there), one test at
/// a time: paper out before and during a job, a jam, a stopped queue. Every test clears its
/// fault at the end, failed or not, and waits for the printer to be ready again.
@Suite(.tags(.integration), .serialized, .timeLimit(.minutes(2))) struct PrintFaultIntegrationTests {
    static let queue = "kiosk-fault"

    static func fault(_ arguments: String...) async throws {
        let result = try await Subprocess.run(
            .path(FilePath(Rigs.repo.appendingPathComponent("devices/virtual-printer/fault").path)),
            arguments: Arguments(["fault"] + arguments),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus.isSuccess, "fault \(arguments): \(result.standardError)")
    }

    static func tool(_ name: String, _ arguments: String...) async throws {
        let out = try await Rigs.tool(name, arguments)
        #expect(out.exitCode == 0, "\(name): \(out.stderr)")
    }

    /// Runs `body`, then always clears the fault and re-enables the queue, and waits until the
    /// printer is ready (the fault probe job has finished) so the next test starts clean.
    static func withCleanup(_ body: (CUPSKioskPrinter, InMemoryPrintRequestLog) async throws -> Void) async throws {
        let log = InMemoryPrintRequestLog()
        let printer = CUPSKioskPrinter(queue: queue, log: log, jobPollInterval: .milliseconds(200))
        var failure: (any Error)?
        do { try await body(printer, log) } catch { failure = error }
        try await fault("clear")
        try await tool("cupsenable", queue)
        try await tool("cupsaccept", queue)
        _ = try await waitFor(printer, seconds: 20) { $0.condition == .ready && $0.state == "idle" }
        if let failure { throw failure }
    }

    /// Polls the printer until `condition` holds; returns the snapshot, or records a failure.
    @discardableResult
    static func waitFor(_ printer: CUPSKioskPrinter, seconds: Int, _ condition: (PrinterSnapshot) -> Bool) async throws -> PrinterSnapshot {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var last = await printer.status()
        while !condition(last) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            last = await printer.status()
        }
        #expect(condition(last), "printer did not get there within \(seconds) s: \(last)")
        return last
    }

    static func receipt() throws -> RenderedDocument {
        let renderer = DocumentRenderer(
            templates: try PrintTemplates.load(directory: Rigs.repo.appendingPathComponent("kiosk-config").path))
        return try renderer.receipt(renderer.templates.testReceipt(hall: "故障测试", kioskId: "KIOSK-FAULT", time: "2026-11-22 10:00:00"))
    }

    static func submission(_ id: String) throws -> PrintSubmission {
        let doc = try receipt()
        return PrintSubmission(requestId: id, kind: .receipt, sessionId: "fault", pdf: doc.pdf, pages: 1, media: [], safeToRetry: true)
    }

    /// Follows a job until `stop` says so; returns the progress values seen.
    static func follow(
        _ printer: CUPSKioskPrinter, _ job: PrintJobStatus, _ id: String, until stop: (PrintJobProgress) async throws -> Bool
    ) async throws -> [PrintJobProgress] {
        var seen: [PrintJobProgress] = []
        for try await progress in printer.follow(jobId: job.jobId, requestId: id) {
            seen.append(progress)
            if try await stop(progress) { break }
        }
        return seen
    }

    /// An empty roll before anyone prints: the status says so although cupsd, which does not poll
    /// an idle printer, does not know; kioskctl printer list shows it; nothing is sent or recorded.
    @Test func paperOutBeforeAJob() async throws {
        try await Self.withCleanup { printer, log in
            var updates = printer.statusUpdates().makeAsyncIterator()
            try await Self.fault("paper-out")
            let snapshot = try await Self.waitFor(printer, seconds: 5) { $0.condition == .paperOut }
            #expect(snapshot.reasons.contains { $0.hasPrefix("media-empty") }, "\(snapshot.reasons)")
            var streamed: PrinterSnapshot?
            while let next = await updates.next() {
                streamed = next
                if next.condition == .paperOut { break }
            }
            #expect(streamed?.condition == .paperOut, "the status stream says so")

            let error = await #expect(throws: KioskError.self) { try await printer.submit(Self.submission("before-\(UUID())")) }
            #expect(error?.code == .printer && error?.message.contains("out of paper") == true, "\(String(describing: error))")
            #expect(await log.events.isEmpty, "nothing recorded for a print never sent")

            let out = try await Rigs.run("kioskctl", ["printer", "list", "--json", "--config", "/nonexistent/kiosk.yaml"])
            let lines = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
            let line = try #require(lines.first { $0["name"] as? String == Self.queue })
            #expect(line["condition"] as? String == "paper-out", "kioskctl printer list: \(line)")
        }
    }

    /// The roll runs out while a job prints: the job is held, the status says paper out on the
    /// printer and, once cupsd's IPP backend polled, on the queue; refilled, the job completes.
    @Test func paperOutDuringAJobHoldsItUntilRefilled() async throws {
        try await Self.withCleanup { printer, log in
            try await Self.fault("slow", "3")
            let id = "during-\(UUID())"
            let job = try await printer.submit(try Self.submission(id))
            var faulted = false
            let seen = try await Self.follow(printer, job, id) { progress in
                if !faulted && progress.job.state == .processing {
                    try await Task.sleep(for: .milliseconds(500))  // the print command is running
                    try await Self.fault("paper-out")
                    faulted = true
                }
                if progress.isHeld {
                    #expect(progress.printer.condition == .paperOut)
                    // cupsd learns it from its backend, which polls the printer about once a second.
                    let deadline = ContinuousClock.now + .seconds(6)
                    var queueReasons: [String] = []
                    while ContinuousClock.now < deadline {
                        queueReasons = try await CUPSPrinterDirectory().printers().first { $0.name == Self.queue }?.reasons ?? []
                        if queueReasons.contains(where: { $0.hasPrefix("media-empty") }) { break }
                        try await Task.sleep(for: .milliseconds(300))
                    }
                    #expect(queueReasons.contains { $0.hasPrefix("media-empty") }, "cupsd's queue reasons: \(queueReasons)")
                    try await Self.fault("clear")
                    return true
                }
                return progress.job.state.isFinal
            }
            #expect(seen.contains { $0.isHeld }, "held: \(seen.map { "\($0.job.state) \($0.printer.condition)" })")
            let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: id)
            #expect(final.state == .completed)
            #expect(await log.outcomes[id] == .completed)
        }
    }

    /// A jam mid-job: held as jammed; the kiosk gives up and cancels (the citizen goes to the
    /// counter); CUPS says cancelled and the request is closed as cancelled.
    @Test func aJamMidJobIsCancelled() async throws {
        try await Self.withCleanup { printer, log in
            try await Self.fault("slow", "3")
            let id = "jam-\(UUID())"
            let job = try await printer.submit(try Self.submission(id))
            var faulted = false
            let seen = try await Self.follow(printer, job, id) { progress in
                if !faulted && progress.job.state == .processing {
                    try await Task.sleep(for: .milliseconds(500))
                    try await Self.fault("jam")
                    faulted = true
                }
                return progress.isHeld || progress.job.state.isFinal
            }
            #expect(seen.last?.isHeld == true && seen.last?.printer.condition == .jammed, "\(String(describing: seen.last))")
            try await printer.cancel(jobId: job.jobId, requestId: id)
            #expect(try await printer.job(job.jobId)?.state == .cancelled)
            #expect(await log.outcomes[id] == .cancelled)
        }
    }

    /// A queue a technician stopped: stopped in the status, the job refused, resume() restores it.
    @Test func aStoppedQueueIsRefusedUntilResumed() async throws {
        try await Self.withCleanup { printer, log in
            try await Self.tool("cupsdisable", Self.queue)
            let snapshot = await printer.status()
            #expect(snapshot.condition == .stopped && snapshot.state == "stopped", "\(snapshot)")
            let error = await #expect(throws: KioskError.self) { try await printer.submit(Self.submission("stopped-\(UUID())")) }
            #expect(error?.message.contains("stopped in CUPS") == true, "\(String(describing: error))")
            #expect(await log.events.isEmpty)
            try await printer.resume()
            #expect(await printer.status().condition == .ready)
        }
    }
}
