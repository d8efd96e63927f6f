import ArgumentParser
import Foundation
import KioskConfig
import KioskControl
import KioskCore

/// `kioskctl maintenance on --reason TEXT | off | status`: takes the kiosk out of service for
/// citizens (after the current session ends) while technicians work. Needs group kiosk-tech.
struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance", abstract: "Take the kiosk out of service for citizens, and back (group kiosk-tech).",
        subcommands: [On.self, Off.self, Status.self])

    struct Options: ParsableArguments {
        @Option(help: "Configuration file (for the control socket's path).") var config = "/etc/kioskd/kiosk.yaml"
        @Option(help: "The control socket (default: control.socket of the configuration).") var socket: String?
        @Flag(help: "Print JSON.") var json = false

        var client: ControlClient { ControlClient(socketPath: socket ?? ControlSocketPath.resolve(config: config)) }
    }

    struct On: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Citizens see an out-of-service screen once the current session ends.")
        @OptionGroup var options: Options
        @Option(help: "Why (journalled, shown to technicians).") var reason: String

        func run() async throws { try await set(true, reason: reason, options) }
    }

    struct Off: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Back in service for citizens.")
        @OptionGroup var options: Options

        func run() async throws { try await set(false, reason: nil, options) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Maintenance, idle or serving, and the configuration version.")
        @OptionGroup var options: Options

        func run() async throws {
            let status = try await ControlCall.run { try await options.client.json(KioskStatusAnswer.self, "GET", "/v1/status") }
            if options.json { return print(try JSONOutput.encode(status)) }
            print("kiosk          \(status.kioskId) (kioskd \(status.softwareVersion))")
            print("maintenance    \(status.maintenance.on ? "ON: \(status.maintenance.reason ?? "")" : "off")")
            print("citizen        \(status.idle ? "none (idle)" : "being served")")
            print("configuration  v\(status.config.version)\(status.config.version == 0 ? " (site file only)" : "")")
        }
    }

    static func set(_ on: Bool, reason: String?, _ options: Options) async throws {
        let body = try JSONEncoder().encode(MaintenanceRequest(on: on, reason: reason))
        let state = try await ControlCall.run {
            try await options.client.json(MaintenanceState.self, "POST", "/v1/maintenance", body: body)
        }
        if options.json { return print(try JSONOutput.encode(state)) }
        print(
            state.on
                ? "maintenance ON: citizens see the out-of-service screen after the current session (\(state.reason ?? ""))"
                : "maintenance off: the kiosk serves citizens again")
    }
}
