import KioskCore
import ServiceLifecycle

/// Owns the hub client for the daemon's lifetime: its connections are closed once, after
/// graceful shutdown (AsyncHTTPClient insists on an explicit shutdown). Put it first in a
/// service group: the group stops services in reverse order, so it goes last.
struct HubClientLifetime: Service {
    let client: any HubClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
