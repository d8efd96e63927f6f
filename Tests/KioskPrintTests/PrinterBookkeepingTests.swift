import KioskCore
import KioskTesting
import Testing

@testable import KioskPrint

/// A CUPS queue in memory: jobs, states and the printer's condition set by the test. It checks
/// the log at the moment a job is sent, so "recorded before sent" is seen, not assumed.
actor FakeQueue: PrintQueueBackend {
    var condition = PrinterCondition.ready
    var jobs: [Int: PrintJobStatus] = [:]
    var names: [Int: String] = [:]
    var nextId = 100
    var sentWhileUnrecorded = false
    var cancelled: [Int] = []
    /// How many job queries fail next as if cupsd were down (-1: all of them).
    var unanswered = 0
    /// Jobs whose every query fails (cupsd cannot be asked about them now).
    var failing: Set<Int> = []
    /// States a followed job goes through, one per poll.
    var script: [Int: [PrintJobState]] = [:]
    /// The next Print-Job's answer is lost as cupsd goes away; `true`: it had queued the job.
    var losesAnswer: Bool?
    let log: InMemoryPrintRequestLog

    init(log: InMemoryPrintRequestLog) { self.log = log }

    func loseNextAnswer(taken: Bool) { losesAnswer = taken }

    func set(_ condition: PrinterCondition) { self.condition = condition }
    func add(job id: Int, name: String, state: PrintJobState) {
        jobs[id] = PrintJobStatus(jobId: id, state: state, reasons: [])
        names[id] = name
    }
    func play(_ id: Int, _ states: [PrintJobState]) { script[id] = states }
    /// cupsd restarted after a SIGKILL and lost the job's record.
    func forget(_ id: Int) {
        jobs[id] = nil
        names[id] = nil
    }
    func leaveUnanswered(_ count: Int) { unanswered = count }
    func failQueries(for ids: Set<Int>) { failing = ids }

    func snapshot() async -> PrinterSnapshot {
        PrinterSnapshot(queue: "q", condition: condition, state: condition == .ready ? "idle" : "processing", reasons: [])
    }
    func supportedMedia() async throws -> [String] { ["iso_a4_210x297mm"] }
    func printJob(name: String, media: String?, pdf: [UInt8]) async throws -> PrintJobStatus {
        let requestId = String(name.dropFirst("kioskd-".count))
        if await log.requests[requestId] == nil { sentWhileUnrecorded = true }
        nextId += 1
        let status = PrintJobStatus(jobId: nextId, state: .pending, reasons: [], media: media)
        if let taken = losesAnswer {
            losesAnswer = nil
            if taken {
                jobs[nextId] = status
                names[nextId] = name
            }
            throw KioskError(.printOutcomeUnknown, "cupsd did not answer the print request, which it may have taken")
        }
        jobs[nextId] = status
        names[nextId] = name
        return status
    }
    func job(_ id: Int) async throws -> PrintJobStatus? {
        if failing.contains(id) { throw KioskError(.cupsUnavailable, "IPP request to cupsd failed: connection refused") }
        if unanswered != 0 {
            if unanswered > 0 { unanswered -= 1 }
            throw KioskError(.cupsUnavailable, "IPP request to cupsd failed: connection refused")
        }
        if var states = script[id], !states.isEmpty {
            jobs[id]?.state = states.removeFirst()
            script[id] = states
        }
        return jobs[id]
    }
    func jobs(named name: String) async throws -> [PrintJobStatus] {
        if unanswered != 0 {
            if unanswered > 0 { unanswered -= 1 }
            throw KioskError(.cupsUnavailable, "IPP request to cupsd failed: connection refused")
        }
        return jobs.values.filter { names[$0.jobId] == name }.sorted { $0.jobId < $1.jobId }
    }
    func cancel(_ id: Int) async throws {
        cancelled.append(id)
        jobs[id]?.state = .cancelled
    }
    func resume() async throws { condition = .ready }
}

@Suite struct PrinterBookkeepingTests {
    let log: InMemoryPrintRequestLog
    let queue: FakeQueue
    let printer: CUPSKioskPrinter

    init() {
        log = InMemoryPrintRequestLog()
        queue = FakeQueue(log: log)
        printer = CUPSKioskPrinter(queue: "q", backend: queue, log: log, pollInterval: .milliseconds(20), jobPollInterval: .milliseconds(5))
    }

    static func submission(_ id: String, kind: PrintRequest.Kind = .receipt, safe: Bool = true) -> PrintSubmission {
        PrintSubmission(
            requestId: id, kind: kind, sessionId: "s1", pdf: Array("%PDF-1.4 test".utf8), pages: 1,
            media: ["oe_roll-80mm", "iso_a4_210x297mm"], safeToRetry: safe)
    }

    @Test func aRequestIsRecordedBeforeItIsSentAndGetsItsJobId() async throws {
        let job = try await printer.submit(Self.submission("r1"))
        #expect(await queue.sentWhileUnrecorded == false)
        #expect(await log.events == [.recorded("r1"), .attached("r1", jobId: job.jobId)])
        #expect(job.media == "iso_a4_210x297mm", "the first media the queue supports")
        let request = try #require(await log.requests["r1"])
        #expect(request.documentSHA256.count == 64 && request.documentSHA256.allSatisfy { $0.isHexDigit })
        #expect(request.jobId == job.jobId)
    }

    @Test(arguments: [PrinterCondition.paperOut, .jammed, .doorOpen, .offline, .stopped])
    func aPrinterThatCannotPrintRefusesBeforeAnythingIsRecorded(condition: PrinterCondition) async throws {
        await queue.set(condition)
        let error = await #expect(throws: KioskError.self) { try await printer.submit(Self.submission("r2")) }
        #expect(error?.code == .printer)
        #expect(await log.events.isEmpty)
        #expect(await queue.jobs.isEmpty)
    }

    @Test func followingAJobClosesItsRequestOnce() async throws {
        let job = try await printer.submit(Self.submission("r3"))
        await queue.play(job.jobId, [.pending, .processing, .processing, .completed])
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: "r3")
        #expect(final.state == .completed)
        #expect(await log.outcomes["r3"] == .completed)
        #expect(try await log.openRequests().isEmpty)
    }

    /// cupsd restarts while the job prints: the job is asked for again until cupsd answers, and
    /// ends as what it became, not as aborted.
    @Test func aJobOutlivesCupsdMissingAFewAnswers() async throws {
        let job = try await printer.submit(Self.submission("r5"))
        await queue.play(job.jobId, [.processing, .completed])
        await queue.leaveUnanswered(3)
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: "r5")
        #expect(final.state == .completed)
        #expect(await log.outcomes["r5"] == .completed)
    }

    /// cupsd stays away past the grace: the job is given up as unknown, and its request stays
    /// open for reconciliation to settle when cupsd is back.
    @Test func aJobIsGivenUpOnlyAfterCupsdStaysAway() async throws {
        let printer = CUPSKioskPrinter(
            queue: "q", backend: queue, log: log, pollInterval: .milliseconds(20), jobPollInterval: .milliseconds(5),
            cupsOutageGrace: .milliseconds(50))
        let job = try await printer.submit(Self.submission("r6"))
        await queue.leaveUnanswered(-1)
        await #expect { try await printer.waitForCompletion(jobId: job.jobId, requestId: "r6") } throws: {
            ($0 as? KioskError)?.code == .cupsUnavailable
        }
        #expect(try await log.openRequests().map(\.id) == ["r6"])
    }

    /// cupsd took the job and went away before it answered: once it is back the job is found
    /// by its name and followed like any other.
    @Test func aJobCupsdTookWithoutAnsweringIsFoundByItsNameAndFollowed() async throws {
        await queue.loseNextAnswer(taken: true)
        await queue.leaveUnanswered(2)
        let job = try await printer.submit(Self.submission("r7"))
        #expect(await log.requests["r7"]?.jobId == job.jobId)
        await queue.play(job.jobId, [.completed])
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: "r7")
        #expect(final.state == .completed)
        #expect(await log.outcomes["r7"] == .completed)
    }

    /// cupsd back with no record of the job: a backend that outlived cupsd may still have
    /// printed it, so the outcome is unknown (never "aborted"), and the request is closed as
    /// missing rather than reprinted.
    @Test func aJobCupsdHasNoRecordOfAfterGoingAwayHasAnUnknownOutcome() async throws {
        await queue.loseNextAnswer(taken: false)
        await #expect { try await printer.submit(Self.submission("r8")) } throws: {
            ($0 as? KioskError)?.code == .printOutcomeUnknown
        }
        #expect(await log.outcomes["r8"] == .missing)
    }

    /// A job being followed that cupsd no longer knows (restarted after a SIGKILL, before it
    /// saved the job) may have reached the printer already: its outcome is unknown, not aborted.
    @Test func aFollowedJobCupsdForgetsHasAnUnknownOutcome() async throws {
        let job = try await printer.submit(Self.submission("r9"))
        await queue.play(job.jobId, [.processing])
        var stream = printer.follow(jobId: job.jobId, requestId: "r9").makeAsyncIterator()
        _ = try await stream.next()
        await queue.forget(job.jobId)
        await #expect { while try await stream.next() != nil {} } throws: { ($0 as? KioskError)?.code == .printOutcomeUnknown }
        #expect(await log.outcomes["r9"] == .missing)
    }

    @Test func aJobHeldByAnEmptyRollSaysSoAndCanBeCancelled() async throws {
        let job = try await printer.submit(Self.submission("r4"))
        await queue.play(job.jobId, Array(repeating: .processing, count: 1000))
        await queue.set(.paperOut)
        var held: PrintJobProgress?
        for try await progress in printer.follow(jobId: job.jobId, requestId: "r4") where progress.isHeld {
            held = progress
            break
        }
        #expect(held?.printer.condition == .paperOut)
        try await printer.cancel(jobId: job.jobId, requestId: "r4")
        #expect(await queue.cancelled == [job.jobId])
        #expect(await log.outcomes["r4"] == .cancelled)
    }

    @Test func statusUpdatesStartWithTheCurrentStateAndFollowChanges() async throws {
        var updates = printer.statusUpdates().makeAsyncIterator()
        #expect(await updates.next()?.condition == .ready)
        await queue.set(.paperOut)
        #expect(await updates.next()?.condition == .paperOut)
        await queue.set(.ready)
        #expect(await updates.next()?.condition == .ready)
    }

    @Test func reconcilingAfterARestart() async throws {
        func request(_ id: String, jobId: Int?, kind: PrintRequest.Kind, safe: Bool) -> PrintRequest {
            PrintRequest(
                id: id, kind: kind, printer: "q", sessionId: nil, documentSHA256: "00", pages: 1, createdAt: "2026-11-22T02:00:00Z",
                jobId: jobId, safeToRetry: safe)
        }
        let open = [
            request("done", jobId: 1, kind: .receipt, safe: true),
            request("aborted-receipt", jobId: 2, kind: .receipt, safe: true),
            request("aborted-cert", jobId: 3, kind: .certificate, safe: false),
            request("missing-receipt", jobId: 4, kind: .receipt, safe: true),
            request("printing", jobId: 5, kind: .certificate, safe: false),
            request("sent-unattached", jobId: nil, kind: .certificate, safe: false),
            request("never-sent", jobId: nil, kind: .certificate, safe: false),
            PrintRequest(
                id: "other-queue", kind: .receipt, printer: "elsewhere", sessionId: nil, documentSHA256: "00", pages: 1,
                createdAt: "2026-11-22T02:00:00Z", jobId: 9, safeToRetry: true),
        ]
        let log = InMemoryPrintRequestLog(open: open)
        let queue = FakeQueue(log: log)
        await queue.add(job: 1, name: "kioskd-done", state: .completed)
        await queue.add(job: 2, name: "kioskd-aborted-receipt", state: .aborted)
        await queue.add(job: 3, name: "kioskd-aborted-cert", state: .aborted)
        await queue.add(job: 5, name: "kioskd-printing", state: .processing)
        await queue.add(job: 7, name: "kioskd-sent-unattached", state: .completed)
        let printer = CUPSKioskPrinter(queue: "q", backend: queue, log: log, pollInterval: .seconds(1), jobPollInterval: .milliseconds(5))

        let results = Dictionary(uniqueKeysWithValues: try await printer.reconcile().findings.map { ($0.request.id, $0) })
        #expect(results.count == 7, "only this queue's requests")
        #expect(results["done"]?.finding == .completed && results["done"]?.shouldReprint == false)
        #expect(results["aborted-receipt"]?.finding == .aborted && results["aborted-receipt"]?.shouldReprint == true)
        #expect(results["aborted-cert"]?.finding == .aborted && results["aborted-cert"]?.shouldReprint == false)
        #expect(results["missing-receipt"]?.finding == .missing && results["missing-receipt"]?.shouldReprint == true)
        #expect(results["printing"]?.finding == .stillInQueue)
        #expect(results["sent-unattached"]?.finding == .completed && results["sent-unattached"]?.jobId == 7)
        #expect(results["never-sent"]?.finding == .missing && results["never-sent"]?.shouldReprint == false)
        #expect(await log.outcomes["done"] == .completed)
        #expect(await log.outcomes["aborted-cert"] == .aborted)
        #expect(await log.outcomes["missing-receipt"] == .missing)
        #expect(await log.requests["sent-unattached"]?.jobId == 7)
        #expect(try await log.openRequests().map(\.id) == ["printing", "other-queue"])
    }

    /// At kioskd's start no citizen waits for any job: one still queued or held is cancelled at
    /// CUPS and closed, the finished ones are closed by what they became.
    @Test func atStartAnUnfinishedJobIsCancelled() async throws {
        let heldForPaper = try await reconcileProcessingCertificate(printer: .paperOut)
        #expect(heldForPaper.finding == .cancelledAtStart)
        let entry = JournalEntry.printReconciled(heldForPaper)
        #expect(entry.payload["state"] == .string("cancelled") && entry.payload["finding"] == .string("cancelled-at-start"))
    }

    /// One the printer was printing when kioskd started again is cancelled too, but its pages may
    /// be out already: the journal says its outcome is unknown, not that it never printed.
    @Test func atStartAJobThePrinterWasPrintingIsCancelledWithAnUnknownOutcome() async throws {
        let printing = try await reconcileProcessingCertificate(printer: .ready)
        #expect(printing.finding == .cancelledWhilePrinting && printing.shouldReprint == false)
        let entry = JournalEntry.printReconciled(printing)
        #expect(entry.payload["state"] == .string("unknown") && entry.payload["finding"] == .string("cancelled-while-printing"))
    }

    /// A request CUPS cannot answer for stays open and is named; the ones before and after it are
    /// settled all the same (their findings reach the journal), and a second pass limited to it
    /// leaves a citizen's job sent meanwhile alone.
    @Test func aRequestCUPSCannotAnswerForLeavesTheOthersSettled() async throws {
        func request(_ id: String, jobId: Int) -> PrintRequest {
            PrintRequest(
                id: id, kind: .certificate, printer: "q", sessionId: "s-\(id)", documentSHA256: "00", pages: 1,
                createdAt: "2026-11-22T02:00:00Z", jobId: jobId, safeToRetry: false)
        }
        let log = InMemoryPrintRequestLog(open: [request("done", jobId: 1), request("unanswered", jobId: 2), request("held", jobId: 3)])
        let queue = FakeQueue(log: log)
        await queue.set(.paperOut)
        await queue.add(job: 1, name: "kioskd-done", state: .completed)
        await queue.add(job: 2, name: "kioskd-unanswered", state: .held)
        await queue.add(job: 3, name: "kioskd-held", state: .held)
        await queue.failQueries(for: [2])
        let printer = CUPSKioskPrinter(queue: "q", backend: queue, log: log, pollInterval: .seconds(1), jobPollInterval: .milliseconds(5))

        let first = try await printer.reconcileCancellingUnfinished(only: nil)
        #expect(first.findings.map(\.request.id) == ["done", "held"])
        #expect(first.findings.map(\.finding) == [.completed, .cancelledAtStart])
        #expect(first.unsettled.map(\.request.id) == ["unanswered"])
        #expect(first.unsettled.first?.reason.contains("connection refused") == true)
        #expect(try await log.openRequests().map(\.id) == ["unanswered"])

        // A citizen is served meanwhile; cupsd answers again.
        try await log.recordRequest(request("citizen-now", jobId: 4))
        await queue.add(job: 4, name: "kioskd-citizen-now", state: .held)
        await queue.failQueries(for: [])
        let retry = try await printer.reconcileCancellingUnfinished(only: ["unanswered"])
        #expect(retry.findings.map(\.request.id) == ["unanswered"] && retry.unsettled.isEmpty)
        #expect(await queue.cancelled == [3, 2], "the citizen's job 4 is not touched")
        #expect(try await log.openRequests().map(\.id) == ["citizen-now"])
    }

    private func reconcileProcessingCertificate(printer condition: PrinterCondition) async throws -> PrintReconciliation {
        let open = [
            PrintRequest(
                id: "held-cert", kind: .certificate, printer: "q", sessionId: "s1", documentSHA256: "00", pages: 2,
                createdAt: "2026-11-22T02:00:00Z", jobId: 5, safeToRetry: false),
            PrintRequest(
                id: "done", kind: .receipt, printer: "q", sessionId: "s2", documentSHA256: "00", pages: 1,
                createdAt: "2026-11-22T02:00:00Z", jobId: 6, safeToRetry: true),
        ]
        let log = InMemoryPrintRequestLog(open: open)
        let queue = FakeQueue(log: log)
        await queue.set(condition)
        await queue.add(job: 5, name: "kioskd-held-cert", state: .processing)
        await queue.add(job: 6, name: "kioskd-done", state: .completed)
        let printer = CUPSKioskPrinter(queue: "q", backend: queue, log: log, pollInterval: .seconds(1), jobPollInterval: .milliseconds(5))

        let results = Dictionary(
            uniqueKeysWithValues: try await printer.reconcileCancellingUnfinished(only: nil).findings.map { ($0.request.id, $0) })
        #expect(results["held-cert"]?.shouldReprint == false)
        #expect(results["done"]?.finding == .completed)
        #expect(await queue.cancelled == [5])
        #expect(await log.outcomes["held-cert"] == .cancelled)
        #expect(try await log.openRequests().isEmpty)

        let held = try #require(results["held-cert"])
        let entry = JournalEntry.printReconciled(held)
        #expect(entry.kind == .print && entry.sessionId == "s1")
        #expect(entry.payload["reconciled"] == .bool(true) && entry.payload["pages"] == nil)
        return held
    }
}
