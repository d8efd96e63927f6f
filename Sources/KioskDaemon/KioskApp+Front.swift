import Foundation
import KioskCamera
import KioskCard
import KioskConfig
import KioskConsole
import KioskControlServer
import KioskCore
import KioskDiagnostics
import KioskHub
import KioskPrint
import KioskScanner
import KioskStore
import KioskVoice
import Logging
import ServiceLifecycle

/// The citizen fronts: one service group per effective configuration, built from the adapters.
extension KioskApp {
    /// Builds and starts a front; a configuration the kiosk cannot serve with becomes an
    /// out-of-service front that says why.
    static func startFront(
        _ configuration: KioskConfiguration, store: KioskStore, options: Options, control: KioskControlState, desk: ConfigDesk,
        devices: SharedDeviceMonitor, logger: Logger
    ) -> KioskFront {
        // A hub in clear beyond loopback or TLS files that cannot work: every hub call would fail
        // (or leak), so the kiosk says which file and what to do instead of serving half.
        let siteProblems = SiteFileChecks.cleartextHub(configuration) + SiteFileChecks.tlsFiles(configuration, daemonUser: nil)
        if !siteProblems.isEmpty {
            for problem in siteProblems { logger.critical("out of service: \(problem)") }
            let reason = KioskError(.configuration, siteProblems.map(\.description).joined(separator: "\n"))
            return outOfServiceFront(reason, configuration: configuration, options: options, store: store, logger: logger)
        }
        let output: TerminalOutput
        let hub: HTTPHubClient
        do {
            output = try TerminalOutput(ttyPath: options.ttyPath)
            hub = try HTTPHubClient(HubClientConfiguration(kiosk: configuration), logger: logger)
        } catch {
            let reason = (error as? KioskError) ?? KioskError(.configuration, "\(error)")
            logger.critical("out of service: \(reason)")
            return outOfServiceFront(reason, configuration: configuration, options: options, store: store, logger: logger)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration]
        var outOfService: KioskError?
        var forDisk = false
        do {
            services = try citizenServices(
                configuration, store: store, hub: hub, output: output, options: options, control: control, desk: desk, devices: devices,
                logger: logger)
        } catch {
            let reason = (error as? KioskError) ?? KioskError(.configuration, "\(error)")
            logger.critical("out of service: \(reason)")
            outOfService = reason
            // Only the disk's floor passes by itself; a subject key others can read does not.
            forDisk = reason.code == .store && !store.health().canStartSessions
            let (monitor, metrics) = devices.monitor(store: store, logger: logger)
            services = [
                .init(service: HubClientLifetime(client: hub)),
                .init(service: OutOfServiceService(reason: reason, output: output, kioskId: configuration.kiosk.id)),
                // The devices are still watched: the heartbeat says how they are (the disk that put
                // the kiosk out of service among them), and a fault ending meanwhile is journalled.
                .init(
                    service: DeviceMonitorService(
                        configuration: configuration, monitor: monitor,
                        printers: printers(configuration, store: store), readers: PCSCReaderDirectory(), store: store,
                        rendererPresent: rendererPresent(options), logger: logger)),
                // The centre hears that this kiosk is out of service, not only that it went quiet.
                .init(
                    service: HeartbeatService(
                        configuration: configuration, hub: hub, store: store, control: control, monitor: monitor, outOfService: true,
                        logger: logger)),
            ]
            if forDisk { services.append(.init(service: StoreRecoveryWatch(store: store, desk: desk))) }
            if let scrape = metricsService(
                configuration, metrics: metrics, store: store, hub: hub, control: control, outOfService: true, logger: logger)
            {
                services.append(.init(service: scrape))
            }
        }
        return KioskFront(
            configuration: configuration, group: ServiceGroup(configuration: .init(services: services, logger: logger)), hub: hub,
            outOfService: outOfService, outOfServiceForDisk: forDisk, logger: logger, onEndedUnasked: { desk.generationEnded($0) })
    }

    /// A front that only shows the out-of-service notice (no store, no hub); without a terminal,
    /// one that only logs why and tells systemd it is up.
    static func outOfServiceFront(
        _ reason: KioskError, configuration: KioskConfiguration, options: Options, store: (any RecordStore)? = nil, logger: Logger
    ) -> KioskFront {
        let output: TerminalOutput?
        do { output = try TerminalOutput(ttyPath: options.ttyPath) } catch {
            logger.critical("no screen for the out-of-service notice: \(error)")
            output = nil
        }
        let notice = OutOfServiceService(reason: reason, output: output, kioskId: configuration.kiosk.id)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: notice)]
        if let scrape = metricsService(
            configuration, metrics: KioskMetrics(registry: KioskMetrics.daemonRegistry()), store: store, hub: nil, control: nil,
            outOfService: true, logger: logger)
        {
            services.append(.init(service: scrape))
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        return KioskFront(configuration: configuration, group: group, hub: nil, outOfService: reason, logger: logger)
    }

    /// The services of one citizen front.
    static func citizenServices(
        _ configuration: KioskConfiguration, store: KioskStore, hub: HTTPHubClient, output: TerminalOutput, options: Options,
        control: KioskControlState, desk: ConfigDesk, devices: SharedDeviceMonitor, logger: Logger
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let (monitor, metrics) = devices.monitor(store: store, logger: logger)
        let (environment, files, renderChildren) = try buildEnvironment(
            configuration, store: store, hub: hub, metrics: metrics, monitor: monitor, renderExecutable: options.renderExecutable,
            logger: logger)
        let input = try TerminalInput(ttyPath: options.ttyPath)
        let deliverer = OutboxDeliverer(store: store, uplink: HTTPJournalUplink(client: hub), policy: outboxPolicy(configuration))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // First, because a graceful shutdown stops services in reverse order: the hub client
            // closes its connections only after the citizen's last step and the outbox stopped
            // (closed first, an upload in flight failed and counted against the hub).
            .init(service: HubClientLifetime(client: hub)),
            .init(service: RenderChildLifetime(children: renderChildren)),
            .init(
                service: CitizenConsoleService(
                    environment: environment, files: files, output: output, input: input, notifier: SystemdNotifier(), control: control,
                    logger: logger)),
            .init(service: OutboxService(deliver: { await deliverer.run() })),
            .init(service: PrintReconciliationService(printers: environment.printers, store: store, metrics: metrics, logger: logger)),
            .init(
                service: SiteDeviceCheckService(
                    configuration: configuration, readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory(), logger: logger),
                successTerminationBehavior: .ignore),
            .init(
                service: ConfigPollService(
                    configuration: configuration, hub: hub, store: store, control: control, desk: desk, logger: logger)),
            .init(
                service: DeviceMonitorService(
                    configuration: configuration, monitor: monitor, printers: environment.printers, readers: PCSCReaderDirectory(),
                    store: store, rendererPresent: rendererPresent(options), logger: logger,
                    onStoreFull: { desk.restartFront("new sessions stop: \($0)") })),
            .init(
                service: HeartbeatService(
                    configuration: configuration, hub: hub, store: store, control: control, monitor: monitor, logger: logger)),
        ]
        if let scrape = metricsService(configuration, metrics: metrics, store: store, hub: hub, control: control, logger: logger) {
            services.append(.init(service: scrape))
        }
        return services
    }

    /// The receipt and certificate printers, their print requests kept in the store.
    static func printers(_ configuration: KioskConfiguration, store: KioskStore) -> [PrinterRole: any KioskPrinter] {
        [
            .receipt: CUPSKioskPrinter(queue: configuration.printers.receipt, log: store),
            .certificate: CUPSKioskPrinter(queue: configuration.printers.certificate, log: store),
        ]
    }

    /// Whether kiosk-render can be started (a file: checked once per front).
    static func rendererPresent(_ options: Options) -> Bool {
        KioskDiagnostics.rendererCheck(DiagnosticOptions(renderExecutable: options.renderExecutable)).verdict != .fail
    }

    /// How the outbox delivers and prunes: records the hub acknowledged leave the kiosk after
    /// `journal.retentionDays` (0 keeps every one).
    static func outboxPolicy(_ configuration: KioskConfiguration) -> OutboxDeliverer.Policy {
        var policy = OutboxDeliverer.Policy()
        if configuration.journal.retentionDays > 0 { policy.retention = .seconds(configuration.journal.retentionDays * 86400) }
        return policy
    }

    /// The Prometheus endpoint as configured (nil: `metrics.listen` is empty), exporting the
    /// expiry of every certificate the site file names.
    static func metricsService(
        _ configuration: KioskConfiguration, metrics: KioskMetrics, store: (any RecordStore)?, hub: (any HubClient)?,
        control: KioskControlState?, outOfService: Bool = false, logger: Logger
    ) -> MetricsService? {
        let settings = configuration.metrics
        guard !settings.listen.isEmpty else { return nil }
        let certificates = [
            ("hub-client", configuration.hub.clientCertificate), ("hub-ca", configuration.hub.caCertificate),
            ("metrics", settings.certificate), ("metrics-client-ca", settings.clientCA),
        ].compactMap { label, path in path.map { (label: label, path: $0) } }
        return MetricsService(
            settings: settings, certificates: certificates, metrics: metrics, store: store, hub: hub, control: control,
            outOfService: outOfService, logger: logger)
    }

    /// The adapters one front runs on, behind their ports, and the front's kiosk-config files.
    static func buildEnvironment(
        _ configuration: KioskConfiguration, store: KioskStore, hub: HTTPHubClient, metrics: KioskMetrics, monitor: DeviceMonitor,
        renderExecutable: String? = nil, logger: Logger
    ) throws -> (KioskEnvironment, KioskConfigFiles, WarmRenderChildren) {
        let directory = URL(fileURLWithPath: configuration.files.directory)
        let files: KioskConfigFiles
        do {
            files = try KioskConfigFiles.load(
                directory: directory, locale: configuration.kiosk.locale, languages: configuration.kiosk.languages)
        } catch let error as KioskError {
            throw error.adding(context: "kiosk-config at \(directory.path)")
        } catch {
            throw KioskError(.configuration, "kiosk-config at \(directory.path): \(error)")
        }
        let health = store.health()
        guard health.canStartSessions else {
            throw KioskError(.store, health.reason ?? "the store cannot take new sessions")
        }
        let printers = printers(configuration, store: store)
        let subjectKey = try SubjectKey.loadOrCreate(path: SubjectKey.defaultPath(forStore: configuration.store.path))
        for problem in files.languageProblems {
            // The kiosk serves in its own language; only this choice is missing.
            logger.error("a language is not offered: \(problem)")
        }
        let templates = files.templates
        // One child kept ready for every language's paper: the request carries its templates.
        let fonts =
            ([templates.receipt.font, templates.certificate.font]
            + files.localized.values.flatMap {
                [$0.templates.receipt.font, $0.templates.certificate.font]
            }).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let renderChildren = WarmRenderChildren(
            executable: renderExecutable ?? ProcessDocumentRenderer.siblingRenderer, fontFamilies: fonts)
        var environment = KioskEnvironment(
            configuration: configuration, store: store, subjectKey: subjectKey, hub: hub, printers: printers,
            renderer: MonitoredRenderer(
                inner: ProcessDocumentRenderer.renderer(templates: templates, executable: renderExecutable, warmChildren: renderChildren),
                monitor: monitor),
            cardSlot: PCSCCardSlot(
                readerName: configuration.card.reader.isEmpty ? nil : configuration.card.reader,
                // Each authentication's outcome goes to the device monitor, which keeps the PSAM's
                // state between its presence polls.
                authenticator: PSAMAuthenticator(
                    site: configuration.card, keepsConnection: true, onOutcome: { await monitor.notePSAMAuthentication($0) })),
            camera: faceCamera(configuration.camera).map { MonitoredCamera(inner: $0, monitor: monitor) },
            clock: SystemClock(),
            media: [.receipt: templates.receipt.media, .certificate: templates.certificate.media], metrics: metrics)
        if !configuration.scanner.device.isEmpty {
            environment.scanner = SerialCodeScanner(settings: configuration.scanner, logger: logger)
            environment.scannerPort = { open in await monitor.observe(.scanner, open ? .ok : .failed, reasons: open ? [] : ["gone"]) }
        }
        if configuration.voice.enabled {
            environment.voice = ESpeakVoice(settings: configuration.voice, logger: logger) { ok, reason in
                await monitor.observe(.audio, ok ? .ok : .failed, reasons: ok ? [] : [reason])
            }
        }
        environment.localizedRenderers = files.localized.mapValues {
            MonitoredRenderer(
                inner: ProcessDocumentRenderer.renderer(
                    templates: $0.templates, executable: renderExecutable, warmChildren: renderChildren),
                monitor: monitor)
        }
        return (environment, files, renderChildren)
    }

    /// The camera as configured: a GStreamer pipeline (kiosk-camera), else a folder of frames
    /// (demo, tests), else none.
    static func faceCamera(_ camera: KioskConfiguration.Camera) -> (any FaceCamera)? {
        if !camera.pipeline.isEmpty { return GStreamerFaceCamera(pipeline: camera.pipeline) }
        return camera.folder.isEmpty ? nil : FileFaceCamera(folder: camera.folder)
    }
}
