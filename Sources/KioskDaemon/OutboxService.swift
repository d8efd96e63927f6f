import KioskStore
import ServiceLifecycle

/// The outbox deliverer as a service of kioskd: runs until graceful shutdown; the backlog stays
/// in the store for the next start, so stopping mid-batch loses nothing.
struct OutboxService: Service {
    let deliverer: OutboxDeliverer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await deliverer.run()
        }
    }
}
