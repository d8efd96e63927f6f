import ServiceLifecycle

/// The outbox's delivery loop as a service of kioskd: runs until graceful shutdown; the backlog
/// stays in the store for the next start, so stopping mid-batch loses nothing.
struct OutboxService: Service {
    /// The loop (KioskStore's `OutboxDeliverer.run`); it returns when its task is cancelled.
    let deliver: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await deliver() }
    }
}
