import ArgumentParser
import Hummingbird
import KioskHubSim

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

    func run() async throws {
        let app = HubSimulator.buildApplication(.init(host: host, port: port)) { port in
            print("kiosk-hub-sim: listening on http://\(host):\(port)/")
        }
        try await app.runService()
    }
}
