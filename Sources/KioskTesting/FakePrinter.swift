import KioskCore
import Synchronization

/// A printer in process, for tests of orchestration: submissions are kept, jobs end in the
/// script's final state, and a job can be held (`holdJobs`) until the test calls `release()` or
/// the job is cancelled, as a real one waits for paper.
public final class FakePrinter: KioskPrinter {
    public struct Script: Sendable {
        public var condition: PrinterCondition = .ready
        public var finalState: PrintJobState = .completed
        /// Thrown by submit (the printer cannot print now).
        public var submitError: KioskError?
        /// Jobs stay `processing` until released or cancelled.
        public var holdJobs = false
        /// The answers of the start's reconciliation passes, one per call (then empty passes).
        public var reconciliations: [PrintReconciliationPass] = []
        public init() {}
    }

    public struct Record: Sendable {
        public var submissions: [PrintSubmission] = []
        public var cancelled: [Int] = []
        /// The `only` of each reconciliation pass asked for at start.
        public var reconciledOnly: [Set<String>?] = []
    }

    public let queue: String
    private let state = Mutex((Script(), Record()))
    /// Each held job and, once decided, how it ends. A job that ends before its follower looks
    /// keeps its ending here, so nothing depends on who comes first.
    private let jobs = Mutex<[Int: PrintJobState?]>([:])

    public init(queue: String = "fake-printer") { self.queue = queue }

    public func script(_ change: (inout Script) -> Void) { state.withLock { change(&$0.0) } }
    public var record: Record { state.withLock { $0.1 } }
    /// Jobs waiting for `release()` or a cancel.
    public var heldJobs: Int { jobs.withLock { $0.values.filter { $0 == nil }.count } }

    /// Ends every held job in the script's final state.
    public func release() {
        let final = state.withLock { $0.0.finalState }
        jobs.withLock { jobs in
            for (id, ending) in jobs where ending == nil { jobs[id] = final }
        }
    }

    private var snapshot: PrinterSnapshot {
        let condition = state.withLock { $0.0.condition }
        return PrinterSnapshot(queue: queue, condition: condition, state: condition.canPrint ? "idle" : "stopped", reasons: [])
    }

    public func status() async -> PrinterSnapshot { snapshot }

    public func statusUpdates() -> AsyncStream<PrinterSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: PrinterSnapshot.self)
        continuation.yield(snapshot)
        return stream
    }

    public func submit(_ submission: PrintSubmission) async throws -> PrintJobStatus {
        let (jobId, hold) = try state.withLock { value in
            if let error = value.0.submitError { throw error }
            value.1.submissions.append(submission)
            return (value.1.submissions.count, value.0.holdJobs)
        }
        if hold { jobs.withLock { $0[jobId] = .some(nil) } }
        return PrintJobStatus(jobId: jobId, state: .pending, reasons: [], media: submission.media.first, pages: submission.pages)
    }

    public func follow(jobId: Int, requestId: String) -> AsyncThrowingStream<PrintJobProgress, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                continuation.yield(PrintJobProgress(job: PrintJobStatus(jobId: jobId, state: .processing, reasons: []), printer: snapshot))
                var final = state.withLock { $0.0.finalState }
                // A held job is polled: a cancelled follower simply stops waiting.
                while jobs.withLock({ $0[jobId] }) == .some(nil) {
                    do { try await Task.sleep(for: .milliseconds(5)) } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                }
                if case .some(.some(let ending)) = jobs.withLock({ $0[jobId] }) { final = ending }
                continuation.yield(PrintJobProgress(job: PrintJobStatus(jobId: jobId, state: final, reasons: []), printer: snapshot))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func cancel(jobId: Int, requestId: String) async throws {
        state.withLock { $0.1.cancelled.append(jobId) }
        jobs.withLock { jobs in
            if jobs[jobId] == .some(nil) { jobs[jobId] = .cancelled }
        }
    }

    public func resume() async throws {}

    public func reconcile() async throws -> PrintReconciliationPass { PrintReconciliationPass() }
    public func reconcileCancellingUnfinished(only: Set<String>?) async throws -> PrintReconciliationPass {
        state.withLock { state in
            state.1.reconciledOnly.append(only)
            return state.0.reconciliations.isEmpty ? PrintReconciliationPass() : state.0.reconciliations.removeFirst()
        }
    }
}
