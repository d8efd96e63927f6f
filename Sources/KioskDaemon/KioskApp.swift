import Foundation
import KioskCard
import KioskConsole
import KioskCore
import KioskHub
import KioskPrint
import KioskStore
import Logging
import ServiceLifecycle
import UnixSignals

/// The composition root: from a configuration to the ServiceGroup that is kioskd.
/// `kioskd` calls it; tests call it too (hummingbird template's App+build shape).
public enum KioskApp {
    public enum Front: Sendable {
        /// The citizen's kiosk (the default).
        case citizen
        /// The technicians' device status screen, no sessions.
        case statusScreen
    }

    public struct Options: Sendable {
        public var configuration: KioskConfiguration
        /// The terminal to draw on and read the keypad from; nil is standard output/input.
        public var ttyPath: String?
        public var front: Front
        /// The site file `configuration` came from: signed bundles are merged over it. Without
        /// it kioskd runs `configuration` as given and refuses bundles.
        public var sitePath: String?
        /// The `kiosk-render` executable documents are rendered by, so fonts, font maps and the
        /// renderer's heap live in a short-lived child (issue 7); nil: the one beside the running
        /// executable.
        public var renderExecutable: String?

        public init(
            configuration: KioskConfiguration, ttyPath: String? = nil, front: Front = .citizen, sitePath: String? = nil,
            renderExecutable: String? = nil
        ) {
            self.configuration = configuration
            self.ttyPath = ttyPath
            self.front = front
            self.sitePath = sitePath
            self.renderExecutable = renderExecutable
        }
    }

    public static func buildServiceGroup(_ options: Options, logger: Logger) throws -> ServiceGroup {
        let configuration = options.configuration
        switch options.front {
        case .statusScreen:
            let output = try TerminalOutput(ttyPath: options.ttyPath)
            let hub = try HTTPHubClient(hubClientConfiguration(configuration), logger: logger)
            let screen = StatusScreenService(
                configuration: configuration, readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory(), hub: hub,
                terminal: output, logger: logger)
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
            let supervisor = KioskSupervisor(options: options, control: control, desk: desk, logger: logger)
            let socket = ControlSocketService(options: options, control: control, desk: desk, logger: logger)
            return ServiceGroup(
                configuration: .init(
                    services: [.init(service: supervisor), .init(service: socket)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
        }
    }

    /// The services of one citizen front.
    static func citizenServices(
        _ configuration: KioskConfiguration, store: KioskStore, hub: HTTPHubClient, output: TerminalOutput, options: Options,
        control: KioskControlState, desk: ConfigDesk, logger: Logger
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let metrics = KioskMetrics(registry: KioskMetrics.daemonRegistry())
        let (environment, files) = try buildEnvironment(
            configuration, store: store, hub: hub, metrics: metrics, renderExecutable: options.renderExecutable, logger: logger)
        let input = try TerminalInput(ttyPath: options.ttyPath)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // First, because a graceful shutdown stops services in reverse order: the hub client
            // closes its connections only after the citizen's last step and the outbox stopped
            // (closed first, an upload in flight failed and counted against the hub).
            .init(service: HubClientLifetime(client: hub)),
            .init(
                service: CitizenConsoleService(
                    environment: environment, files: files, output: output, input: input, notifier: SystemdNotifier(), control: control,
                    logger: logger)),
            .init(service: OutboxService(deliverer: OutboxDeliverer(store: environment.store, uplink: HTTPJournalUplink(client: hub)))),
            .init(service: PrintReconciliationService(printers: environment.printers, logger: logger)),
            .init(
                service: ConfigPollService(
                    configuration: configuration, hub: hub, store: store, control: control, desk: desk, logger: logger)),
        ]
        if !configuration.metrics.listen.isEmpty {
            services.append(
                .init(
                    service: MetricsService(
                        listen: configuration.metrics.listen, metrics: metrics, store: store, hub: hub, control: control, logger: logger)))
        }
        return services
    }

    static func buildEnvironment(
        _ configuration: KioskConfiguration, store: KioskStore, hub: HTTPHubClient, metrics: KioskMetrics,
        renderExecutable: String? = nil, logger: Logger
    ) throws -> (
        KioskEnvironment, KioskConfigFiles
    ) {
        let directory = URL(fileURLWithPath: configuration.files.directory)
        let files: KioskConfigFiles
        let templates: PrintTemplates
        do {
            files = try KioskConfigFiles.load(directory: directory, locale: configuration.kiosk.locale)
            templates = try PrintTemplates.load(directory: directory.path, locale: configuration.kiosk.locale)
        } catch let error as KioskError {
            throw error.adding(context: "kiosk-config at \(directory.path)")
        } catch {
            throw KioskError(.configuration, "kiosk-config at \(directory.path): \(error)")
        }
        let health = store.health()
        guard health.canStartSessions else {
            throw KioskError(.store, health.reason ?? "the store cannot take new sessions")
        }
        let printers: [PrinterRole: any KioskPrinter] = [
            .receipt: CUPSKioskPrinter(queue: configuration.printers.receipt, log: store),
            .certificate: CUPSKioskPrinter(queue: configuration.printers.certificate, log: store),
        ]
        let subjectKey = try SubjectKey.loadOrCreate(path: SubjectKey.defaultPath(forStore: configuration.store.path))
        let environment = KioskEnvironment(
            configuration: configuration, store: store, subjectKey: subjectKey, hub: hub, printers: printers,
            renderer: ProcessDocumentRenderer.renderer(templates: templates, executable: renderExecutable),
            cardReader: PCSCCardReader(readerName: configuration.card.reader.isEmpty ? nil : configuration.card.reader),
            camera: configuration.camera.folder.isEmpty ? nil : FileFaceCamera(folder: configuration.camera.folder),
            media: [.receipt: templates.receipt.media, .certificate: templates.certificate.media], metrics: metrics)
        return (environment, files)
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
