import ArgumentParser
import KioskHubSim
import Logging
import ServiceLifecycle
import UnixSignals

/// kiosk-hub-sim: the reference hub on loopback.
@main
struct KioskHubSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-hub-sim",
        abstract: "The reference hub: the kiosk's hub contract on loopback, for demos and tests.")

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8480

    @Option(help: "Address to listen on; loopback unless you mean otherwise.")
    var host: String = "127.0.0.1"

    @Option(help: "Citizens seed file.") var seed: String = HubSeed.defaultPath()
    @Option(help: "Serve HTTPS with this PEM certificate (needs --tls-key).") var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(help: "With HTTPS, require client certificates from this CA (mTLS).") var clientCa: String?
    @Option(help: "Answer every /v1 request this many milliseconds late: a hub far away.") var latencyMs = 0
    @Option(help: "Vary that latency by up to this many milliseconds either way, per request.") var jitterMs = 0

    func validate() throws {
        guard latencyMs >= 0, jitterMs >= 0 else { throw ValidationError("--latency-ms and --jitter-ms take milliseconds >= 0") }
    }

    func run() async throws {
        let scheme = tlsCert == nil ? "http" : "https"
        let options = HubSimulator.Options(
            host: host, port: port, seedPath: seed, tlsCertificate: tlsCert, tlsKey: tlsKey, clientCA: clientCa,
            latency: HubLatency(milliseconds: latencyMs, jitterMilliseconds: jitterMs))
        let app = try HubSimulator.buildApplication(options) { port in
            print("kiosk-hub-sim: listening on \(scheme)://\(host):\(port)/")
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "kiosk-hub-sim")))
        try await group.run()
    }
}
