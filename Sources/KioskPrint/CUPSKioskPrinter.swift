import Foundation
import KioskCore

/// A kiosk printer behind a CUPS queue: status (polled from the printer itself on an interval and
/// on demand, streamed to subscribers), submission with the PrintRequestLog written first, jobs
/// followed to their final state, and reconciliation after a restart. The blocking libcups calls
/// run in `CUPSQueue` on a thread of its own; this actor only awaits.
public actor CUPSKioskPrinter: KioskPrinter {
    public nonisolated let queue: String
    private let backend: any PrintQueueBackend
    private let log: any PrintRequestLog
    private let pollInterval: Duration
    private let jobPollInterval: Duration
    /// How long a followed job is asked for while cupsd does not answer (it restarts, or one
    /// answer is late) before the job is given up as unknown.
    private let cupsOutageGrace: Duration
    private var subscribers: [UUID: AsyncStream<PrinterSnapshot>.Continuation] = [:]
    private var poller: Task<Void, Never>?
    private var last: PrinterSnapshot?

    /// - Parameters:
    ///   - pollInterval: how often subscribers' status is refreshed from the printer.
    ///   - jobPollInterval: how often a followed job is asked for (cupsd's IPP backend itself
    ///     polls the printer about once a second).
    public init(
        queue: String, log: any PrintRequestLog, timeoutMs: Int32 = 5000, pollInterval: Duration = .seconds(2),
        jobPollInterval: Duration = .milliseconds(250)
    ) {
        self.init(
            queue: queue, backend: CUPSQueue(queue: queue, timeoutMs: timeoutMs), log: log, pollInterval: pollInterval,
            jobPollInterval: jobPollInterval)
    }

    init(
        queue: String, backend: any PrintQueueBackend, log: any PrintRequestLog, pollInterval: Duration, jobPollInterval: Duration,
        cupsOutageGrace: Duration = .seconds(60)
    ) {
        self.queue = queue
        self.backend = backend
        self.log = log
        self.pollInterval = pollInterval
        self.jobPollInterval = jobPollInterval
        self.cupsOutageGrace = cupsOutageGrace
    }

    // MARK: status

    public func status() async -> PrinterSnapshot {
        let snapshot = await backend.snapshot()
        publish(snapshot)
        return snapshot
    }

    public nonisolated func statusUpdates() -> AsyncStream<PrinterSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: PrinterSnapshot.self, bufferingPolicy: .bufferingNewest(8))
        let id = UUID()
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        Task { await self.subscribe(id, continuation) }
        return stream
    }

    private func subscribe(_ id: UUID, _ continuation: AsyncStream<PrinterSnapshot>.Continuation) async {
        subscribers[id] = continuation
        if let last { continuation.yield(last) }
        if poller == nil {
            poller = Task { [pollInterval] in
                while !Task.isCancelled {
                    _ = await self.status()
                    try? await Task.sleep(for: pollInterval)
                }
            }
        }
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
        if subscribers.isEmpty {
            poller?.cancel()
            poller = nil
        }
    }

    /// Sends a snapshot to subscribers when it differs from the last one sent.
    private func publish(_ snapshot: PrinterSnapshot) {
        guard snapshot != last else { return }
        last = snapshot
        for continuation in subscribers.values { continuation.yield(snapshot) }
    }

    // MARK: jobs

    public func submit(_ submission: PrintSubmission) async throws -> PrintJobStatus {
        try await KioskError.during("printing \(submission.kind.rawValue) on \(queue)") {
            // Refuse before anything is recorded or sent: nothing was promised yet, and the
            // citizen hears now, not after a job that cannot come out.
            let now = await status()
            guard now.condition.canPrint else {
                let cupsdDown = now.reasons.contains(PrinterSnapshot.cupsdUnreachable)
                throw KioskError(cupsdDown ? .cupsUnavailable : .printer, Self.refusal(now))
            }
            let supported = (try? await backend.supportedMedia()) ?? []
            let media = submission.media.first { supported.contains($0) }
            let request = PrintRequest(
                id: submission.requestId, kind: submission.kind, printer: queue, sessionId: submission.sessionId,
                documentSHA256: CUPSConnection.sha256Hex(submission.pdf), pages: submission.pages,
                createdAt: Date.now.formatted(.iso8601), safeToRetry: submission.safeToRetry)
            try await log.recordRequest(request)
            let job = try await send(submission, media: media)
            try await log.attachJob(requestId: submission.requestId, printer: queue, jobId: job.jobId)
            return job
        }
    }

    /// Sends the job. cupsd may take the document and go away before it answers (killed,
    /// restarted): the job is then looked for by its name once cupsd answers again, and followed
    /// if it is there. If cupsd has no such job, its record may have gone with it while a backend
    /// that outlived it still printed the paper: the outcome stays unknown, and is said so.
    private func send(_ submission: PrintSubmission, media: String?) async throws -> PrintJobStatus {
        let unanswered: KioskError
        do {
            return try await backend.printJob(name: submission.jobName, media: media, pdf: submission.pdf)
        } catch let error as KioskError where error.code == .printOutcomeUnknown {
            unanswered = error
        }
        let deadline = ContinuousClock.now + cupsOutageGrace
        while ContinuousClock.now < deadline {
            guard let found = try? await backend.jobs(named: submission.jobName) else {
                try await Task.sleep(for: jobPollInterval)
                continue
            }
            if let job = found.last { return job }
            try await log.finish(requestId: submission.requestId, outcome: .missing)
            throw unanswered.adding(context: "cupsd, back, has no job named \(submission.jobName)")
        }
        // Still no answer: the request stays open for the reconciliation at the next start.
        throw unanswered
    }

    public nonisolated func follow(jobId: Int, requestId: String) -> AsyncThrowingStream<PrintJobProgress, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.run(jobId: jobId, requestId: requestId) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(jobId: Int, requestId: String, yield: (PrintJobProgress) -> Void) async throws {
        var previous: PrintJobProgress?
        var printer = await status()
        var round = 0
        var unansweredSince: ContinuousClock.Instant?
        while true {
            try Task.checkCancellation()
            let answer: PrintJobStatus?
            do {
                answer = try await backend.job(jobId)
                unansweredSince = nil
            } catch let error as KioskError where error.code == .cupsUnavailable || error.code == .timeout {
                // The job is still queued at cupsd. Given up at the first missed answer, it would be
                // journalled as aborted and the citizen sent to the counter for a second copy,
                // while the first one comes out once cupsd is back.
                let since = unansweredSince ?? .now
                unansweredSince = since
                guard ContinuousClock.now - since < cupsOutageGrace else { throw error }
                try await Task.sleep(for: jobPollInterval)
                continue
            }
            guard let job = answer else {
                // cupsd restarted after a SIGKILL forgets jobs it had not yet saved, while the
                // printer may have had the document already: not a failure, an unknown outcome.
                try await log.finish(requestId: requestId, outcome: .missing)
                throw KioskError(.printOutcomeUnknown, "CUPS has no record of job \(jobId) on \(queue) any more: it may have printed")
            }
            // The printer is asked every fourth round while the job moves, every round while it
            // is held, so a fixed fault shows within a round.
            if round > 0 && (round % 4 == 0 || previous?.isHeld == true) && !job.state.isFinal { printer = await status() }
            let progress = PrintJobProgress(job: job, printer: printer)
            if progress != previous { yield(progress) }
            previous = progress
            if job.state.isFinal {
                try await log.finish(requestId: requestId, outcome: Self.outcome(job.state))
                return
            }
            round += 1
            try await Task.sleep(for: jobPollInterval)
        }
    }

    /// One job's state at CUPS, or nil when CUPS has no record of it.
    public func job(_ jobId: Int) async throws -> PrintJobStatus? {
        try await backend.job(jobId)
    }

    public func cancel(jobId: Int, requestId: String) async throws {
        try await KioskError.during("cancelling job \(jobId) on \(queue)") {
            do {
                try await backend.cancel(jobId)
            } catch let error as KioskError {
                // A job that ended meanwhile cannot be cancelled: close it by what it became.
                guard let job = try await backend.job(jobId), job.state.isFinal else { throw error }
                try await log.finish(requestId: requestId, outcome: Self.outcome(job.state))
                return
            }
            try await log.finish(requestId: requestId, outcome: .cancelled)
        }
    }

    public func resume() async throws {
        try await KioskError.during("resuming \(queue)") { try await backend.resume() }
        _ = await status()
    }

    // MARK: reconciliation

    public func reconcile() async throws -> PrintReconciliationPass {
        try await reconcileAll(cancellingUnfinished: false, only: nil)
    }

    public func reconcileCancellingUnfinished(only: Set<String>?) async throws -> PrintReconciliationPass {
        try await reconcileAll(cancellingUnfinished: true, only: only)
    }

    private func reconcileAll(cancellingUnfinished: Bool, only: Set<String>?) async throws -> PrintReconciliationPass {
        let open = try await KioskError.during("reading the open print requests of \(queue)") { try await log.openRequests() }
        var pass = PrintReconciliationPass()
        for request in open where request.printer == queue && only.map({ $0.contains(request.id) }) != false {
            // One request CUPS cannot answer for must not keep the others' findings from the
            // journal: those are closed in the log already.
            do {
                pass.findings.append(try await reconcile(request, cancellingUnfinished: cancellingUnfinished))
            } catch {
                pass.unsettled.append(.init(request: request, reason: "\(error)"))
            }
        }
        return pass
    }

    private func reconcile(_ request: PrintRequest, cancellingUnfinished: Bool) async throws -> PrintReconciliation {
        var job: PrintJobStatus?
        if let id = request.jobId {
            job = try await backend.job(id)
        } else if let found = try await backend.jobs(named: "kioskd-\(request.id)").last {
            // Sent, but the crash came before its id was recorded.
            job = found
            try await log.attachJob(requestId: request.id, printer: queue, jobId: found.jobId)
        }
        guard let job else {
            try await log.finish(requestId: request.id, outcome: .missing)
            return PrintReconciliation(request: request, finding: .missing, jobId: request.jobId, shouldReprint: request.safeToRetry)
        }
        let finding: PrintReconciliation.Finding
        switch job.state {
        case .completed: finding = .completed
        case .aborted: finding = .aborted
        case .cancelled: finding = .cancelled
        case .pending, .held, .processing, .stopped:
            guard cancellingUnfinished else {
                return PrintReconciliation(request: request, finding: .stillInQueue, jobId: job.jobId, shouldReprint: false)
            }
            do {
                try await backend.cancel(job.jobId)
            } catch {
                // It ended between the two questions: close it by what it became.
                guard let now = try await backend.job(job.jobId), now.state.isFinal else { throw error }
                try await log.finish(requestId: request.id, outcome: Self.outcome(now.state))
                return PrintReconciliation(
                    request: request, finding: now.state == .completed ? .completed : (now.state == .cancelled ? .cancelled : .aborted),
                    jobId: job.jobId, shouldReprint: false)
            }
            try await log.finish(requestId: request.id, outcome: .cancelled)
            // A job the printer holds (no paper, a jam, the door) has put nothing out; one it was
            // printing may be on paper already, whole or in part.
            let printing = job.state == .processing || job.state == .stopped
            let begun = printing ? await status().condition.canPrint : false
            return PrintReconciliation(
                request: request, finding: begun ? .cancelledWhilePrinting : .cancelledAtStart, jobId: job.jobId, shouldReprint: false)
        }
        try await log.finish(requestId: request.id, outcome: Self.outcome(job.state))
        return PrintReconciliation(
            request: request, finding: finding, jobId: job.jobId, shouldReprint: finding != .completed && request.safeToRetry)
    }

    /// KioskError.during for this actor's own closures (which stay on the actor, never sent).
    static func outcome(_ state: PrintJobState) -> PrintOutcome {
        switch state {
        case .completed: .completed
        case .cancelled: .cancelled
        default: .aborted
        }
    }

    /// Why a printer refuses a job, for the technician's log and the caller's screen choice.
    static func refusal(_ snapshot: PrinterSnapshot) -> String {
        let what: String =
            switch snapshot.condition {
            case .paperOut: "is out of paper"
            case .jammed: "has a paper jam"
            case .doorOpen: "has its door open"
            case .offline: "does not answer" + (snapshot.detail.map { " (\($0))" } ?? "")
            case .stopped: "is stopped in CUPS (cupsenable \(snapshot.queue), or kioskctl printer resume)"
            case .ready, .paperLow: "is ready"
            case .unconfirmed: "cannot be asked (its state is known only while it prints)"
            }
        let reasons = snapshot.reasons.isEmpty ? "" : "; reasons: \(snapshot.reasons.joined(separator: ", "))"
        return "printer \(snapshot.queue) \(what)\(reasons)"
    }
}

/// The log for a technician's test page: nothing a citizen was promised, so nothing to keep.
public struct UnrecordedPrintLog: PrintRequestLog {
    public init() {}
    public func recordRequest(_ request: PrintRequest) async throws {}
    public func attachJob(requestId: String, printer: String, jobId: Int) async throws {}
    public func finish(requestId: String, outcome: PrintOutcome) async throws {}
    public func openRequests() async throws -> [PrintRequest] { [] }
}
