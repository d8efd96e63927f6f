import NIOCore

/// Runs Swift tasks on one NIO event loop: the hub client's requests execute where their
/// connection's bytes arrive, so an answer reaches the waiting code without a thread hand-off.
///
/// Without it every request would cross threads four times (the caller's pool to the loop and
/// back, once for the head and again for the body); on a two-core kiosk those wake-ups cost more
/// than the client's own work (`scripts/bench hub`). Written here because swift-nio 2.101 has
/// `EventLoop` as a `SerialExecutor` (for actors) but not as a `TaskExecutor` (for
/// `withTaskExecutorPreference`), and this is the whole of the bridge.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
