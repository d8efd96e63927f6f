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

        public init(configuration: KioskConfiguration, ttyPath: String? = nil, front: Front = .citizen) {
            self.configuration = configuration
            self.ttyPath = ttyPath
            self.front = front
        }
    }

    public static func buildServiceGroup(_ options: Options, logger: Logger) throws -> ServiceGroup {
        let configuration = options.configuration
        let output = try TerminalOutput(ttyPath: options.ttyPath)
        let hub = try HTTPHubClient(hubClientConfiguration(configuration), logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        switch options.front {
        case .statusScreen:
            let screen = StatusScreenService(
                configuration: configuration, readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory(), hub: hub,
                terminal: output, logger: logger)
            services.append(.init(service: screen))
        case .citizen:
            do {
                let (environment, files) = try buildEnvironment(configuration, hub: hub, logger: logger)
                let input = try TerminalInput(ttyPath: options.ttyPath)
                services.append(
                    .init(
                        service: CitizenConsoleService(
                            environment: environment, files: files, output: output, input: input, notifier: SystemdNotifier(),
                            logger: logger)))
                services.append(
                    .init(
                        service: OutboxService(deliverer: OutboxDeliverer(store: environment.store, uplink: HTTPJournalUplink(client: hub)))
                    ))
                services.append(.init(service: PrintReconciliationService(printers: environment.printers, logger: logger)))
            } catch let error as KioskError {
                // A store or configuration the kiosk must not write into: refuse citizens, say why.
                logger.critical("out of service: \(error)")
                services = [.init(service: OutOfServiceService(reason: error, output: output, kioskId: configuration.kiosk.id))]
            }
        }
        // Keeps the hub client's connection pool alive for the daemon's life and closes it last.
        services.append(.init(service: HubClientLifetime(client: hub)))
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }

    static func buildEnvironment(_ configuration: KioskConfiguration, hub: HTTPHubClient, logger: Logger) throws -> (
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
        let store = try KioskStore.open(path: configuration.store.path, options: .init(kioskId: configuration.kiosk.id))
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
            renderer: DocumentRenderer(templates: templates),
            cardReader: PCSCCardReader(readerName: configuration.card.reader.isEmpty ? nil : configuration.card.reader),
            camera: configuration.camera.folder.isEmpty ? nil : FileFaceCamera(folder: configuration.camera.folder),
            media: [.receipt: templates.receipt.media, .certificate: templates.certificate.media])
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
