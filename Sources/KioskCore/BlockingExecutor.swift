import Dispatch

/// A serial executor on a dispatch queue of its own, for actors that make blocking C calls
/// (pcsc-lite, libcups). The cooperative pool has two threads on a kiosk; one blocking call on
/// it would halve the daemon. Modelled on GRDB's `DispatchQueueActor`.
public final class BlockingExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    public func enqueue(_ job: UnownedJob) {
        queue.async {
            job.runSynchronously(on: self.asUnownedSerialExecutor())
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
