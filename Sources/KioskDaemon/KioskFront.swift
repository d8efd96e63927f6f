import KioskCore
import Logging
import ServiceLifecycle
import Synchronization

/// One generation of the citizen side: the service group built from one effective
/// configuration, running in its own task until the supervisor stops it. The composition root
/// builds it (`KioskApp.startFront`); the supervisor only starts, checks and stops generations.
final class KioskFront: Sendable {
    let configuration: KioskConfiguration
    let group: ServiceGroup?
    let hub: (any HubClient)?
    /// Set when this front could only show the out-of-service notice.
    let outOfService: KioskError?
    /// Out of service because the store's disk is under its floor: it serves again by itself.
    let outOfServiceForDisk: Bool
    private let task: Task<Void, Never>?
    private let stopping: StopFlag

    /// Starts `group` at once. `onEndedUnasked` runs when the group ends without `stop()`: a
    /// front that stops by itself stops the daemon.
    init(
        configuration: KioskConfiguration, group: ServiceGroup?, hub: (any HubClient)?, outOfService: KioskError?,
        outOfServiceForDisk: Bool = false, logger: Logger, onEndedUnasked: (@Sendable (String) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.group = group
        self.hub = hub
        self.outOfService = outOfService
        self.outOfServiceForDisk = outOfServiceForDisk
        let stopping = StopFlag()
        self.stopping = stopping
        task = group.map { group in
            Task {
                do { try await group.run() } catch { logger.error("kiosk front: \(error)") }
                if !stopping.isSet { onEndedUnasked?("its services ended") }
            }
        }
    }

    /// Stops the front like SIGTERM does (the citizen's current step finishes) and waits.
    func stop() async {
        stopping.set()
        await group?.triggerGracefulShutdown()
        await task?.value
    }

    /// Why the kiosk is not healthy with this front, or nil. The hub must answer when this
    /// configuration changed how the kiosk reaches it; a hub that was already down is not the
    /// new configuration's fault. Nor is the store's disk: the front out of service for it
    /// serves again by itself once there is room (`StoreRecoveryWatch`), and rolling the bundle
    /// back for it would spend its version for nothing.
    func healthProblem(comparedWith previous: KioskConfiguration) async -> String? {
        if let outOfService, !outOfServiceForDisk { return "the kiosk would be out of service: \(outOfService)" }
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
