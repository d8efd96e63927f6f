import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The reference hub: the contract of docs/hub-contract.md (docs/hub-api.yaml) over real HTTP
/// or HTTPS on loopback, for the demo and the integration tests. It never imports the kiosk's
/// modules: it is the other side.
public enum HubSimulator {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var seedPath: String
        /// PEM files for HTTPS; nil serves plain HTTP (loopback tests and the demo).
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// With HTTPS: require client certificates signed by this CA (mTLS).
        public var clientCA: String?
        /// The hub's distance: added to every /v1 answer, whatever the scenario.
        public var latency: HubLatency

        public init(
            host: String = "127.0.0.1", port: Int = 8480, seedPath: String = HubSeed.defaultPath(), tlsCertificate: String? = nil,
            tlsKey: String? = nil, clientCA: String? = nil, latency: HubLatency = HubLatency()
        ) {
            self.latency = latency
            self.host = host
            self.port = port
            self.seedPath = seedPath
            self.tlsCertificate = tlsCertificate
            self.tlsKey = tlsKey
            self.clientCA = clientCA
        }
    }

    /// The simulator as a service (a Hummingbird application). `onRunning` receives the bound port (useful
    /// with port 0 in tests).
    public static func buildApplication(
        _ options: Options,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> any Service {
        let state = HubState(seed: try HubSeed.load(path: options.seedPath))
        let router = Router(context: SimRequestContext.self)
        router.add(middleware: FaultMiddleware(state: state, distance: options.latency))
        router.get("/v1/health") { _, _ -> SimReply in
            struct Health: Encodable { var status = "ok"; var time = rfc3339(.now) }
            return Reply.json(.ok, Health())
        }
        addSubjectRoutes(router, state: state)
        addVerificationRoutes(router, state: state)
        addJournalRoutes(router, state: state)
        addDocumentRoutes(router, state: state)
        addStaffRoutes(router, state: state)
        addControlRoutes(router, state: state)

        let configuration = ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "kiosk-hub-sim")
        let running: @Sendable (any Channel) async -> Void = { channel in await onRunning(channel.localAddress?.port ?? options.port) }
        if let cert = options.tlsCertificate, let key = options.tlsKey {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if let ca = options.clientCA {
                tls.certificateVerification = .noHostnameVerification
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
            return Application(
                router: router, server: try .tls(.http1(), tlsConfiguration: tls), configuration: configuration, onServerRunning: running)
        }
        return Application(router: router, configuration: configuration, onServerRunning: running)
    }
}

extension HubSimulator {
    /// Runs the simulator on a free loopback port for as long as `body` runs (tests, benchmarks).
    /// It is a real HTTP(S) server: clients reach it over TCP like any hub.
    public static func withRunning<T: Sendable>(
        _ options: Options = Options(port: 0), _ body: @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        var options = options
        options.port = 0
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(options) { port in portContinuation.yield(port) }
        let scheme = options.tlsCertificate == nil ? "http" : "https"
        // Run under a ServiceGroup so the end is a graceful shutdown: cancelling the server
        // instead made HummingbirdCore log "Waiting on child channel: CancellationError()" as an
        // error at the end of every test.
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "kiosk-hub-sim")))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: T
            do {
                result = try await body("\(scheme)://\(options.host == "127.0.0.1" ? "127.0.0.1" : options.host):\(port)/")
            } catch {
                group.cancelAll()
                throw error
            }
            await services.triggerGracefulShutdown()
            // A request a test left hanging (a scenario's added latency) must not hold it up:
            // after 2 s the server is cancelled after all.
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            _ = try? await group.next()
            group.cancelAll()
            return result
        }
    }
}
