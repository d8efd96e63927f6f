import Foundation
import KioskConsole
import KioskCore
import KioskHub
import KioskStore
import Logging
import ServiceLifecycle
import Synchronization

/// One generation of the citizen side: the service group built from one effective
/// configuration, running in its own task until the supervisor stops it.
final class KioskFront: Sendable {
    let configuration: KioskConfiguration
    let group: ServiceGroup?
    let hub: HTTPHubClient?
    /// Set when this front could only show the out-of-service notice.
    let outOfService: KioskError?
    private let task: Task<Void, Never>?
    private let stopping: StopFlag

    private init(
        configuration: KioskConfiguration, group: ServiceGroup?, hub: HTTPHubClient?, outOfService: KioskError?, desk: ConfigDesk?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.group = group
        self.hub = hub
        self.outOfService = outOfService
        let stopping = StopFlag()
        self.stopping = stopping
        task = group.map { group in
            Task {
                do { try await group.run() } catch { logger.error("kiosk front: \(error)") }
                // A front ends only when the supervisor stops it; anything else stops the daemon.
                if !stopping.isSet { desk?.generationEnded("its services ended") }
            }
        }
    }

    /// Builds and starts a front; a configuration the kiosk cannot serve with becomes an
    /// out-of-service front that says why.
    static func start(
        _ configuration: KioskConfiguration, store: KioskStore, options: KioskApp.Options, control: KioskControlState, desk: ConfigDesk,
        logger: Logger
    ) -> KioskFront {
        do {
            let output = try TerminalOutput(ttyPath: options.ttyPath)
            let hub = try HTTPHubClient(KioskApp.hubClientConfiguration(configuration), logger: logger)
            do {
                let services = try KioskApp.citizenServices(
                    configuration, store: store, hub: hub, output: output, options: options, control: control, desk: desk, logger: logger)
                let group = ServiceGroup(configuration: .init(services: services, logger: logger))
                return KioskFront(configuration: configuration, group: group, hub: hub, outOfService: nil, desk: desk, logger: logger)
            } catch {
                let reason = (error as? KioskError) ?? KioskError(.configuration, "\(error)")
                logger.critical("out of service: \(reason)")
                let notice = OutOfServiceService(reason: reason, output: output, kioskId: configuration.kiosk.id)
                let group = ServiceGroup(
                    configuration: .init(
                        services: [.init(service: HubClientLifetime(client: hub)), .init(service: notice)], logger: logger))
                return KioskFront(configuration: configuration, group: group, hub: hub, outOfService: reason, desk: desk, logger: logger)
            }
        } catch {
            let reason = (error as? KioskError) ?? KioskError(.configuration, "\(error)")
            logger.critical("out of service: \(reason)")
            return outOfService(reason, options: options, configuration: configuration, logger: logger)
        }
    }

    /// A front that only shows the out-of-service notice (no store, no hub).
    static func outOfService(
        _ reason: KioskError, options: KioskApp.Options, configuration: KioskConfiguration? = nil, logger: Logger
    ) -> KioskFront {
        let configuration = configuration ?? options.configuration
        guard let output = try? TerminalOutput(ttyPath: options.ttyPath) else {
            return KioskFront(configuration: configuration, group: nil, hub: nil, outOfService: reason, desk: nil, logger: logger)
        }
        let notice = OutOfServiceService(reason: reason, output: output, kioskId: configuration.kiosk.id)
        let group = ServiceGroup(configuration: .init(services: [.init(service: notice)], logger: logger))
        return KioskFront(configuration: configuration, group: group, hub: nil, outOfService: reason, desk: nil, logger: logger)
    }

    /// Stops the front like SIGTERM does (the citizen's current step finishes) and waits.
    func stop() async {
        stopping.set()
        await group?.triggerGracefulShutdown()
        await task?.value
    }

    /// Why the kiosk is not healthy with this front, or nil. The hub must answer when this
    /// configuration changed how the kiosk reaches it; a hub that was already down is not the
    /// new configuration's fault.
    func healthProblem(comparedWith previous: KioskConfiguration) async -> String? {
        if let outOfService { return "the kiosk would be out of service: \(outOfService)" }
        guard configuration.hub != previous.hub, let hub else { return nil }
        var last = ""
        for attempt in 1...3 {
            do {
                _ = try await hub.health()
                return nil
            } catch {
                last = "\(error)"
                if attempt < 3 { try? await Task.sleep(for: .seconds(1)) }
            }
        }
        return "the hub at \(configuration.hub.url) does not answer: \(last)"
    }
}

/// Set once, read from any thread.
final class StopFlag: Sendable {
    private let storage = Mutex(false)
    var isSet: Bool { storage.withLock { $0 } }
    func set() { storage.withLock { $0 = true } }
}
