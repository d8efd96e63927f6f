import Foundation
import KioskCard
import KioskConfig
import KioskConsole
import KioskControlServer
import KioskCore
import KioskDiagnostics
import KioskHub
import KioskPrint
import KioskStore
import Logging
import ServiceLifecycle
import UnixSignals

/// The composition root: from a configuration to the ServiceGroup that is kioskd. The only
/// place that names the adapters (PCSCCardSlot, CUPSKioskPrinter, HTTPHubClient, KioskStore,
/// FileFaceCamera, ProcessDocumentRenderer); everything it builds sees their KioskCore ports.
/// `kioskd` calls it; tests call it too (hummingbird template's App+build shape).
public enum KioskApp {
    /// What the kiosk's screen is for.
    public enum Mode: Sendable {
        /// The citizen's kiosk (the default).
        case citizen
        /// The technicians' device status screen, no sessions.
        case statusScreen
    }

    public struct Options: Sendable {
        public var configuration: KioskConfiguration
        /// The terminal to draw on and read the keypad from; nil is standard output/input.
        public var ttyPath: String?
        public var mode: Mode
        /// The site file `configuration` came from: signed bundles are merged over it. Without
        /// it kioskd runs `configuration` as given and refuses bundles.
        public var sitePath: String?
        /// The `kiosk-render` executable documents are rendered by, so fonts, font maps and the
        /// renderer's heap live in a short-lived child; nil: the one beside the running executable.
        public var renderExecutable: String?

        public init(
            configuration: KioskConfiguration, ttyPath: String? = nil, mode: Mode = .citizen, sitePath: String? = nil,
            renderExecutable: String? = nil
        ) {
            self.configuration = configuration
            self.ttyPath = ttyPath
            self.mode = mode
            self.sitePath = sitePath
            self.renderExecutable = renderExecutable
        }
    }

    public static func buildServiceGroup(_ options: Options, logger: Logger) throws -> ServiceGroup {
        let site = options.configuration
        switch options.mode {
        case .statusScreen:
            let output = try TerminalOutput(ttyPath: options.ttyPath)
            let hub = try HTTPHubClient(HubClientConfiguration(kiosk: site), logger: logger)
            let screen = StatusScreenService(
                configuration: site, readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory(), hub: hub, terminal: output,
                logger: logger)
            return ServiceGroup(
                configuration: .init(
                    services: [.init(service: HubClientLifetime(client: hub)), .init(service: screen)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        case .citizen:
            // Said at start, not at the first citizen's print: without kiosk-render nothing prints.
            let renderer = KioskDiagnostics.rendererCheck(DiagnosticOptions(renderExecutable: options.renderExecutable))
            if renderer.verdict == .fail { logger.critical("\(renderer.detail); \(renderer.action)") }
            // The supervisor runs the citizen fronts (one per configuration); the control socket
            // outlives them, so technicians can reach a kiosk that is out of service too.
            let control = KioskControlState()
            let desk = ConfigDesk()
            let devices = SharedDeviceMonitor()
            let fronts = FrontFactory<KioskStore>(
                start: { configuration, store in
                    startFront(
                        configuration, store: store, options: options, control: control, desk: desk, devices: devices, logger: logger)
                },
                outOfService: { reason, configuration in
                    outOfServiceFront(reason, configuration: configuration, options: options, logger: logger)
                })
            let supervisor = KioskSupervisor(
                site: site, sitePath: options.sitePath,
                openStore: { try KioskStore.open(path: site.store.path, options: .init(kioskId: site.kiosk.id)) }, fronts: fronts,
                control: control, desk: desk, logger: logger)
            let socket = ControlSocketService(
                settings: ControlServerSettings(site: site, ttyPath: options.ttyPath, renderExecutable: options.renderExecutable),
                control: control, desk: desk, logger: logger)
            return ServiceGroup(
                configuration: .init(
                    services: [.init(service: supervisor), .init(service: socket)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
        }
    }

    /// A kiosk whose site file does not load: the out-of-service notice with the reason on its
    /// screen, READY=1 and the watchdog for systemd, until it is stopped.
    public static func buildRefusedConfigurationGroup(_ reason: KioskError, ttyPath: String?, logger: Logger) -> ServiceGroup {
        let output = try? TerminalOutput(ttyPath: ttyPath)
        let notice = OutOfServiceService(reason: reason, output: output, kioskId: "")
        return ServiceGroup(
            configuration: .init(services: [.init(service: notice)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}
