import Foundation
import Hummingbird
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import NIOCore
import ServiceLifecycle

/// The Prometheus endpoint: `GET /metrics` on `metrics.listen`. On loopback by default; on
/// another address only with `metrics.allow`, the scrapers' networks: every other peer gets 403
/// before anything is said (a kiosk's metrics tell when it is unattended). It also keeps the
/// gauges fresh: the breaker state as the hub client publishes it, the outbox backlog and its
/// age, maintenance and the applied configuration version every few seconds, and the TLS
/// certificates' expiry once. Metrics are a technicians' aid: when the port cannot be used,
/// kioskd says so in the log and serves citizens without them.
struct MetricsService: Service {
    let listen: String
    var allow: [String] = []
    /// The certificates whose expiry is exported, by the `certificate` label.
    var certificates: [(label: String, path: String)] = []
    let metrics: KioskMetrics
    let store: any RecordStore
    let hub: any HubClient
    /// The supervisor's view, for the configuration version; nil leaves it to `setConfigVersion`.
    let control: KioskControlState?
    var refreshEvery: Duration = .seconds(5)
    let logger: Logger

    /// The Prometheus text exposition format this endpoint speaks.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `metrics.listen` as a host and port to bind; beyond loopback only with an allow list.
    static func address(_ listen: String, allow: [String] = []) throws -> (host: String, port: Int) {
        guard let (host, port) = KioskConfiguration.hostPort(listen) else {
            throw KioskError(.configuration, "metrics.listen '\(listen)': host:port, e.g. 127.0.0.1:9464")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard KioskConfiguration.isLoopback(bare) || !allow.isEmpty else {
            throw KioskError(
                .configuration,
                "metrics.listen '\(listen)' is beyond loopback: list the scrapers' networks in metrics.allow (e.g. 10.20.0.0/16)")
        }
        return (bare, port)
    }

    /// The networks a scrape may come from: `allow` and the machine itself (127.0.0.1, ::1: a node
    /// agent on the kiosk). Refuses an entry that is not one.
    static func allowList(_ allow: [String]) throws -> [IPNetwork] {
        try (allow + ["127.0.0.1", "::1"]).map { text in
            guard let network = IPNetwork(text) else {
                throw KioskError(.configuration, "metrics.allow '\(text)': an address or network (CIDR, e.g. 10.20.0.0/16)")
            }
            return network
        }
    }

    func run() async throws {
        let host: String
        let port: Int
        let allowed: [IPNetwork]
        do {
            (host, port) = try Self.address(listen, allow: allow)
            allowed = try Self.allowList(allow)
        } catch {
            logger.error("metrics endpoint not started: \(error)")
            try? await gracefulShutdown()
            return
        }
        exportCertificateExpiry()
        let router = Router(context: ScrapeContext.self)
        router.middlewares.add(ScrapeAllowMiddleware(allowed: allowed, logger: logger))
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
            // One read of the outbox for both gauges.
            let waiting = try await store.outboxWaiting()
            for (destination, state) in waiting {
                metrics.setOutboxBacklog(destination: destination, pending: state.pending)
            }
            for destination in OutboxDestination.allCases {
                metrics.setOutboxOldestPending(
                    destination: destination.rawValue, seconds: waiting[destination.rawValue]?.oldestSeconds ?? 0)
            }
        } catch {
            logger.debug("metrics: outbox status not read: \(error)")
        }
        if let control {
            metrics.setConfigVersion(await control.config.version)
            metrics.setKioskState(outOfService: false, maintenance: await control.maintenance.on)
        }
    }

    /// The certificates' notAfter, read once: a file replaced by a renewal is a restart away.
    private func exportCertificateExpiry() {
        for (label, path) in certificates {
            guard let notAfter = SiteFileChecks.notValidAfter(path) else {
                logger.warning("metrics: the certificate \(path) could not be read, its expiry is not exported")
                continue
            }
            metrics.setCertificateExpiry(label, notAfter: notAfter)
        }
    }
}
