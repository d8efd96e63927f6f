import Foundation
import Hummingbird

/// The reference hub: the contract of docs/hub-contract.md over real HTTP on loopback, for the
/// demo and the integration tests. It never imports the kiosk's modules: it is the other side.
public enum HubSimulator {
    public struct Options: Sendable {
        public var host: String
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 8480) {
            self.host = host
            self.port = port
        }
    }

    /// The simulator as a Hummingbird application. `onRunning` receives the bound port (useful
    /// with port 0 in tests).
    public static func buildApplication(
        _ options: Options,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/v1/health") { _, _ -> HealthResponse in
            HealthResponse(status: "ok", time: Date.now.formatted(.iso8601))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "kiosk-hub-sim"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? options.port) }
        )
    }
}

struct HealthResponse: ResponseEncodable {
    var status: String
    var time: String
}
