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
        public init() {}
    }

    public struct Record: Sendable {
        public var submissions: [PrintSubmission] = []
        public var cancelled: [Int] = []
    }

    public let queue: String
    private let state = Mutex((Script(), Record()))
    /// Held jobs: id → how to end it.
    private let held = Mutex<[Int: CheckedContinuation<PrintJobState, Never>]>([:])

    public init(queue: String = "fake-printer") { self.queue = queue }

    public func script(_ change: (inout Script) -> Void) { state.withLock { change(&$0.0) } }
    public var record: Record { state.withLock { $0.1 } }
    public var heldJobs: Int { held.withLock { $0.count } }

    /// Ends every held job in the script's final state.
    public func release() {
        let state = self.state.withLock { $0.0.finalState }
        for continuation in held.withLock({ jobs in
            defer { jobs = [:] }; return jobs.values
        }) { continuation.resume(returning: state) }
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
        let jobId = try state.withLock { value in
            if let error = value.0.submitError { throw error }
            value.1.submissions.append(submission)
            return value.1.submissions.count
        }
        return PrintJobStatus(jobId: jobId, state: .pending, reasons: [], media: submission.media.first, pages: submission.pages)
    }

    public func follow(jobId: Int, requestId: String) -> AsyncThrowingStream<PrintJobProgress, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                let script = state.withLock { $0.0 }
                continuation.yield(PrintJobProgress(job: PrintJobStatus(jobId: jobId, state: .processing, reasons: []), printer: snapshot))
                let final: PrintJobState
                if script.holdJobs {
                    final = await withCheckedContinuation { waiting in held.withLock { $0[jobId] = waiting } }
                } else {
                    final = script.finalState
                }
                continuation.yield(PrintJobProgress(job: PrintJobStatus(jobId: jobId, state: final, reasons: []), printer: snapshot))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func cancel(jobId: Int, requestId: String) async throws {
        state.withLock { $0.1.cancelled.append(jobId) }
        held.withLock { $0.removeValue(forKey: jobId) }?.resume(returning: .cancelled)
    }

    public func resume() async throws {}

    public func reconcile() async throws -> [PrintReconciliation] { [] }
}
