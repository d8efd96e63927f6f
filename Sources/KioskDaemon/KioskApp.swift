import KioskCard
import KioskConsole
import KioskCore
import KioskHub
import KioskPrint
import Logging
import ServiceLifecycle
import UnixSignals

/// The composition root: from a configuration to the ServiceGroup that is kioskd.
/// `kioskd` calls it; tests call it too (hummingbird template's App+build shape).
public enum KioskApp {
    public struct Options: Sendable {
        public var configuration: KioskConfiguration
        /// The terminal to draw on; nil is standard output.
        public var ttyPath: String?

        public init(configuration: KioskConfiguration, ttyPath: String? = nil) {
            self.configuration = configuration
            self.ttyPath = ttyPath
        }
    }

    public static func buildServiceGroup(_ options: Options, logger: Logger) throws -> ServiceGroup {
        let configuration = options.configuration
        let terminal = try TerminalOutput(ttyPath: options.ttyPath)
        let hub = try HTTPHubClient(hubClientConfiguration(configuration), logger: logger)
        let screen = StatusScreenService(
            configuration: configuration,
            readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory(),
            hub: hub, terminal: terminal, logger: logger)
        return ServiceGroup(
            configuration: .init(
                services: [.init(service: screen)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
    }

    /// The hub client's settings from the kiosk configuration.
    public static func hubClientConfiguration(_ configuration: KioskConfiguration) -> HubClientConfiguration {
        var hub = HubClientConfiguration(baseURL: configuration.hub.url, kioskId: configuration.kiosk.id)
        hub.requestTimeout = .milliseconds(Int64(configuration.hub.timeoutSeconds * 1000))
        hub.clientCertificatePath = configuration.hub.clientCertificate
        hub.clientKeyPath = configuration.hub.clientKey
        hub.trustedCAPath = configuration.hub.caCertificate
        return hub
    }
}
