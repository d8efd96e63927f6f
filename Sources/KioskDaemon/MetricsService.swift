import Foundation
import Hummingbird
import HummingbirdTLS
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The Prometheus endpoint: `GET /metrics` on `metrics.listen`. On loopback by default; on
/// another address only with `metrics.allow`, the scrapers' networks: every other peer gets 403
/// before anything is said (a kiosk's metrics tell when it is unattended); or over HTTPS, where
/// only a scraper whose client certificate `metrics.clientCA` signed gets past the handshake
/// (both may be set: then a scraper needs both). It also keeps the
/// gauges fresh: the breaker state as the hub client publishes it, the outbox backlog and its
/// age, maintenance and the applied configuration version every few seconds, and the TLS
/// certificates' expiry once. Metrics are a technicians' aid: when the port cannot be used,
/// kioskd says so in the log and serves citizens without them.
struct MetricsService: Service {
    /// `metrics.*`: where to listen, who may scrape, and HTTPS's files.
    let settings: KioskConfiguration.Metrics
    /// The certificates whose expiry is exported, by the `certificate` label.
    var certificates: [(label: String, path: String)] = []
    let metrics: KioskMetrics
    /// The outbox's backlog comes from it; nil (no store opened) exports none.
    let store: (any RecordStore)?
    /// The breaker's state comes from it; nil (no hub client) exports none.
    let hub: (any HubClient)?
    /// The supervisor's view, for the configuration version; nil leaves it to `setConfigVersion`.
    let control: KioskControlState?
    /// An out-of-service front scrapes too: the centre then sees why the kiosk does not serve
    /// (`kioskd_out_of_service` 1), not only that it went quiet.
    var outOfService = false
    var refreshEvery: Duration = .seconds(5)
    let logger: Logger

    /// The Prometheus text exposition format this endpoint speaks.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `metrics.listen` as a host and port to bind; beyond loopback only with an allow list or HTTPS.
    static func address(_ listen: String, allow: [String] = [], tls: Bool = false) throws -> (host: String, port: Int) {
        guard let (host, port) = KioskConfiguration.hostPort(listen) else {
            throw KioskError(.configuration, "metrics.listen '\(listen)': host:port, e.g. 127.0.0.1:9464")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard KioskConfiguration.isLoopback(bare) || !allow.isEmpty || tls else {
            throw KioskError(
                .configuration,
                "metrics.listen '\(listen)' is beyond loopback: list the scrapers' networks in metrics.allow (e.g. 10.20.0.0/16)"
                    + " or give metrics.certificate, metrics.key and metrics.clientCA")
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
        let app: Application<RouterResponder<ScrapeContext>>
        do {
            app = try makeApplication()
        } catch {
            logger.error("metrics endpoint not started: \(error)")
            try? await gracefulShutdown()
            return
        }
        exportCertificateExpiry()
        await withDiscardingTaskGroup { group in
            group.addTask { await refreshGauges() }
            group.addTask { await followBreaker() }
            do {
                try await app.run()
            } catch {
                // Citizens keep their kiosk; only the scrape fails (and says why in this log).
                logger.error("metrics endpoint on \(settings.listen) stopped or could not start, kioskd runs without it: \(error)")
                try? await gracefulShutdown()
            }
            group.cancelAll()
        }
    }

    /// The endpoint as `settings` say: its address, its admission (the network list, the client
    /// certificate, or both), plain HTTP or HTTPS.
    private func makeApplication() throws -> Application<RouterResponder<ScrapeContext>> {
        let tls = settings.tls
        let (host, port) = try Self.address(settings.listen, allow: settings.allow, tls: tls != nil)
        let router = Router(context: ScrapeContext.self)
        // With HTTPS and no network list, the client certificate is the whole admission.
        if tls == nil || !settings.allow.isEmpty {
            router.middlewares.add(ScrapeAllowMiddleware(allowed: try Self.allowList(settings.allow), logger: logger))
        }
        router.get("/metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: Self.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: "kioskd-metrics")
        guard let tls else { return Application(router: router, configuration: configuration, logger: logger) }
        return Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: Self.serverTLS(tls)), configuration: configuration,
            logger: logger)
    }

    /// The server side of HTTPS: this endpoint's certificate, and a client certificate required,
    /// signed by the scrapers' CA (a scraper is known by its certificate, not by a host name).
    static func serverTLS(_ files: (certificate: String, key: String, clientCA: String)) throws -> TLSConfiguration {
        do {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: files.key, format: .pem)))
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.clientCA))
            return tls
        } catch {
            throw KioskError(
                .configuration,
                "metrics TLS files (\(files.certificate), \(files.key), \(files.clientCA)) cannot be used: \(error)")
        }
    }

    /// The breaker's state as it changes (the stream starts with the current one).
    private func followBreaker() async {
        guard let hub else { return }
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
        if let store { await refreshOutbox(store) }
        if let control {
            metrics.setConfigVersion(await control.config.version)
            metrics.setKioskState(outOfService: outOfService, maintenance: await control.maintenance.on)
        } else {
            metrics.setKioskState(outOfService: outOfService, maintenance: false)
        }
    }

    private func refreshOutbox(_ store: any RecordStore) async {
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
