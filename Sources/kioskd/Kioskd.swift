import ArgumentParser
import KioskConfig
import KioskCore
import KioskDaemon
import KioskPrint
import Logging
import ServiceLifecycle

/// kioskd: the kiosk daemon. Thin: parse arguments, load configuration, run the service group
/// that KioskApp builds.
@main
struct KioskdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskd",
        abstract: "The self-service kiosk daemon: card reader, printers, hub, and the citizen's screen.",
        version: KioskVersion.current)

    @Option(help: "Configuration file (YAML, see kiosk-config/README.md).")
    var config: String = "/etc/kioskd/kiosk.yaml"

    @Option(help: "Terminal device to draw the kiosk screen on (default: standard output).")
    var tty: String?

    @Flag(help: "Show the technicians' device status screen instead of the citizen front.")
    var statusScreen = false

    @Flag(
        help: """
            Run without a screen or keypad: devices, hub, journal, heartbeat and metrics as usual, no citizen \
            can start a session by keys (a fleet on one machine; a kiosk whose screen is not yet fitted).
            """)
    var headless = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if headless && (tty != nil || statusScreen) {
            throw ValidationError("--headless has no screen: give neither --tty nor --status-screen")
        }
    }

    func run() async throws {
        // Headless: the screen is drawn into /dev/null and the keypad reads its end at once.
        let tty = headless ? "/dev/null" : self.tty
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kioskd")
        // Once per process: the hub client's latency timer goes to the registry /metrics serves.
        KioskMetrics.bootstrapOnce()
        let configuration: KioskConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch {
            // Exiting would only have systemd restart it into the same file, the screen blank:
            // the kiosk stays up, out of service, and says why (one line per problem).
            let reason = (error as? KioskError) ?? KioskError(.configuration, "\(error)")
            for line in reason.message.split(separator: "\n") { logger.critical("configuration refused: \(line)") }
            try await KioskApp.buildRefusedConfigurationGroup(reason, ttyPath: tty, logger: logger).run()
            return
        }
        logger.info("starting", metadata: ["kiosk": "\(configuration.kiosk.id)", "version": "\(KioskVersion.current)"])
        let group = try KioskApp.buildServiceGroup(
            .init(
                configuration: configuration, ttyPath: tty, mode: statusScreen ? .statusScreen : .citizen, sitePath: config),
            logger: logger)
        try await group.run()
        logger.info("stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
