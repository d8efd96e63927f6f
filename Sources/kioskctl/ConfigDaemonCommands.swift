import ArgumentParser
import Foundation
import KioskConfig
import KioskControl
import KioskCore

/// The configuration subcommands that talk to the running kioskd (group kiosk-ops for apply and
/// rollback; status and history for technicians too).
struct ConfigDaemonOptions: ParsableArguments {
    @Option(help: "Configuration file (for the control socket's path).") var config = "/etc/kioskd/kiosk.yaml"
    @Option(help: "The control socket (default: control.socket of the configuration).") var socket: String?
    @Flag(help: "Print JSON.") var json = false

    var client: ControlClient { ControlClient(socketPath: socket ?? ControlSocketPath.resolve(config: config)) }
}

struct ConfigApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Hand a signed bundle to kioskd: verified, applied between citizens, checked, rolled back by itself if unhealthy.")

    @Argument(help: "The bundle file (kioskctl config bundle).") var bundle: String
    @OptionGroup var options: ConfigDaemonOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: bundle) else {
            FileHandle.standardError.write(Data("kioskctl: cannot read \(bundle)\n".utf8))
            throw ExitCode(2)
        }
        let outcome = try await ControlCall.run {
            try await options.client.json(ConfigOutcome.self, "POST", "/v1/config/apply", body: data)
        }
        try ConfigOutcomePrinter.print(outcome, json: options.json)
    }
}

struct ConfigRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Go back to the configuration applied before the current one (between citizens).")
    @OptionGroup var options: ConfigDaemonOptions

    func run() async throws {
        let outcome = try await ControlCall.run { try await options.client.json(ConfigOutcome.self, "POST", "/v1/config/rollback") }
        try ConfigOutcomePrinter.print(outcome, json: options.json)
    }
}

struct ConfigStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The configuration version kioskd runs.")
    @OptionGroup var options: ConfigDaemonOptions

    func run() async throws {
        let status = try await ControlCall.run { try await options.client.json(ConfigStatus.self, "GET", "/v1/config/status") }
        if options.json { return print(try JSONOutput.encode(status)) }
        print("version          \(status.version == 0 ? "none (site file only)" : "v\(status.version)")")
        print("newest accepted  v\(status.highWaterMark) (older bundles are refused)")
        print("hub              \(status.hubURL)")
        print(
            "hub pulls        \(status.pollSeconds > 0 ? "every \(Int(status.pollSeconds)) s" : "off")\(status.lastPull.map { ", last \($0)" } ?? "")"
        )
    }
}

struct ConfigHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Every bundle kioskd took, newest first.")
    @OptionGroup var options: ConfigDaemonOptions

    func run() async throws {
        let entries = try await ControlCall.run { try await options.client.json([ConfigHistoryEntry].self, "GET", "/v1/config/history") }
        if options.json { return print(try JSONOutput.encode(entries)) }
        for entry in entries {
            let who = entry.uid.map { " uid \($0)" } ?? ""
            print("\(entry.at)  v\(entry.version)  \(entry.outcome)  \(entry.source)\(who)\(entry.detail.map { "  \($0)" } ?? "")")
        }
    }
}

enum ConfigOutcomePrinter {
    static func print(_ outcome: ConfigOutcome, json: Bool) throws {
        if json {
            Swift.print(try JSONOutput.encode(outcome))
        } else {
            let version = outcome.version.map { "v\($0)" } ?? "bundle"
            switch outcome.result {
            case .applied: Swift.print("\(version) applied\(outcome.reason.map { " (\($0))" } ?? "")")
            case .unchanged: Swift.print("\(version) already runs; nothing changed")
            case .refused: Swift.print("refused: \(outcome.reason ?? "")")
            case .rolledBack: Swift.print("\(version) rolled back: \(outcome.reason ?? ""); the previous configuration runs")
            }
        }
        if outcome.result == .refused || outcome.result == .rolledBack { throw ExitCode(1) }
    }
}
