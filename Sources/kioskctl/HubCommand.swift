import ArgumentParser
import Foundation
import KioskConfig
import KioskCore
import KioskHub

/// `kioskctl hub check [--hub URL] [--json]`: can this kiosk use its hub right now?
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hub", abstract: "The central platform (hub).", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reachability, latency, TLS, clock skew and kiosk identity; exit 0 only when all pass.")

        @Option(help: "Configuration file.") var config = "/etc/kioskd/kiosk.yaml"
        @Option(help: "Hub base URL (default: the configured one).") var hub: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var kiosk = (try? ConfigurationLoader.load(path: config)) ?? KioskConfiguration()
            if let hub { kiosk.hub.url = hub }
            let report = try await HubCommand.check(kiosk)
            if json {
                print(try JSONOutput.encode(report))
            } else {
                print("hub            \(report.baseURL)")
                print("reachable      \(report.reachable ? "yes" : "NO")\(report.latencyMs.map { ", \($0) ms" } ?? "")")
                if let tls = report.tls {
                    print("TLS            \(tls.protocolVersion), \(tls.subject), valid until \(tls.notValidAfter)")
                } else if let error = report.tlsError {
                    print("TLS            FAILED: \(error)")
                }
                print("clock skew     \(report.clockSkewSeconds.map { "\($0) s" } ?? "unknown")")
                print("identity       \(report.identityAccepted.map { $0 ? "accepted" : "REFUSED" } ?? "not checked")")
                for problem in report.problems { print("problem: \(problem)") }
            }
            if !report.passed { throw ExitCode(1) }
        }
    }

    /// One look at the hub as `kiosk` calls it (`kioskctl hub check`, `kioskctl setup`).
    static func check(_ kiosk: KioskConfiguration) async throws -> HubCheckReport {
        var settings = HubClientConfiguration(kiosk: kiosk)
        settings.maxAttempts = 1  // a check reports what it sees; it does not insist
        let client = try HTTPHubClient(settings)
        let report = await client.check()
        await client.shutdown()
        return report
    }
}
