import Foundation
import Hummingbird
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import NIOCore
import ServiceLifecycle

/// The Prometheus endpoint: `GET /metrics` on `metrics.listen`, loopback only (an exporter or
/// node agent on the kiosk scrapes it; nothing leaves the machine by this port). It also keeps
/// the gauges fresh: the breaker state as the hub client publishes it, the outbox backlog and
/// the applied configuration version every few seconds. Metrics are a technicians' aid: when
/// the port cannot be used, kioskd says so in the log and serves citizens without them.
struct MetricsService: Service {
    let listen: String
    let metrics: KioskMetrics
    let store: any RecordStore
    let hub: any HubClient
    /// The supervisor's view, for the configuration version; nil leaves it to `setConfigVersion`.
    let control: KioskControlState?
    var refreshEvery: Duration = .seconds(5)
    let logger: Logger

    /// The Prometheus text exposition format this endpoint speaks.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `metrics.listen` as a host and port to bind; refused unless the host is loopback.
    static func address(_ listen: String) throws -> (host: String, port: Int) {
        guard let (host, port) = KioskConfiguration.hostPort(listen) else {
            throw KioskError(.configuration, "metrics.listen '\(listen)': host:port, e.g. 127.0.0.1:9464")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard ["127.0.0.1", "::1", "localhost"].contains(bare) else {
            throw KioskError(
                .configuration, "metrics.listen '\(listen)': the metrics endpoint listens on loopback only (127.0.0.1, ::1, localhost)")
        }
        return (bare, port)
    }

    func run() async throws {
        let host: String
        let port: Int
        do {
            (host, port) = try Self.address(listen)
        } catch {
            logger.error("metrics endpoint not started: \(error)")
            try? await gracefulShutdown()
            return
        }
        let router = Router()
        router.get("/metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: Self.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "kioskd-metrics"), logger: logger)
        await withDiscardingTaskGroup { group in
            group.addTask { await refreshGauges() }
            group.addTask { await followBreaker() }
            do {
                try await app.run()
            } catch {
                // Citizens keep their kiosk; only the scrape fails (and says why in this log).
                logger.error("metrics endpoint on \(listen) stopped or could not start, kioskd runs without it: \(error)")
                try? await gracefulShutdown()
            }
            group.cancelAll()
        }
    }

    /// The breaker's state as it changes (the stream starts with the current one).
    private func followBreaker() async {
        try? await cancelWhenGracefulShutdown {
            for await status in hub.statusUpdates() { metrics.setHubStatus(status) }
        }
    }

    private func refreshGauges() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refreshOnce()
                try await Task.sleep(for: refreshEvery)
            }
        }
    }

    func refreshOnce() async {
        do {
            for (destination, pending) in try await store.outboxBacklog() {
                metrics.setOutboxBacklog(destination: destination, pending: pending)
            }
        } catch {
            logger.debug("metrics: outbox status not read: \(error)")
        }
        if let control { metrics.setConfigVersion(await control.config.version) }
    }
}
