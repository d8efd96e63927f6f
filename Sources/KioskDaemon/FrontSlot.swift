import KioskControlServer
import KioskCore
import ServiceLifecycle

/// Builds citizen fronts. The composition root hands one to the supervisor, so the supervisor
/// starts generations without knowing what they are made of: wiring flows one way.
/// Generic over the store, so the composition root hands its fronts the store it opened, as the
/// adapter it is (the outbox runs on it).
struct FrontFactory<Store: RecordStore>: Sendable {
    /// A front serving citizens with a configuration, or, when the kiosk cannot serve with it,
    /// one that shows why it is out of service.
    let start: @Sendable (KioskConfiguration, Store) -> KioskFront
    /// A front that only shows the out-of-service notice (no store, no hub).
    let outOfService: @Sendable (KioskError, KioskConfiguration) -> KioskFront
}

/// What a configuration transaction needs of the running kiosk.
protocol FrontSwitching: Sendable {
    /// Nil once the kiosk is between citizens; else why it will not swap now (still busy after
    /// a while, or stopping).
    func waitForPause() async -> String?
    /// Stops the running front like SIGTERM does and starts one with `configuration`.
    func swap(to configuration: KioskConfiguration) async
    /// Why the kiosk is not healthy with the running front, or nil.
    func healthProblem(comparedWith previous: KioskConfiguration) async -> String?
}

/// The running front, one generation at a time.
actor FrontSlot<Store: RecordStore>: FrontSwitching {
    /// How long a bundle or rollback waits for a pause between citizens (a card left in the slot
    /// holds it off) before it is refused, with nothing changed.
    let pauseWait: Duration
    private var front: KioskFront
    private let factory: FrontFactory<Store>
    private let store: Store
    private let control: KioskControlState

    init(
        starting configuration: KioskConfiguration, factory: FrontFactory<Store>, store: Store, control: KioskControlState,
        pauseWait: Duration = .seconds(90)
    ) {
        self.pauseWait = pauseWait
        self.factory = factory
        self.store = store
        self.control = control
        front = factory.start(configuration, store)
    }

    func waitForPause() async -> String? {
        let deadline = ContinuousClock.now + pauseWait
        while !(await control.idle) {
            if Task.isShuttingDownGracefully { break }
            if ContinuousClock.now >= deadline {
                return "the kiosk has not been between citizens for \(pauseWait) (a session, or a card left in the slot); "
                    + "nothing was changed, try again"
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return Task.isShuttingDownGracefully ? "kioskd is stopping; nothing was changed" : nil
    }

    /// While the old front stops the kiosk is "swapping": its stop is not the daemon's (no
    /// STOPPING=1 to systemd).
    func swap(to configuration: KioskConfiguration) async {
        await control.setSwapping(true)
        await front.stop()
        front = factory.start(configuration, store)
        await control.setSwapping(false)
    }

    func healthProblem(comparedWith previous: KioskConfiguration) async -> String? {
        await front.healthProblem(comparedWith: previous)
    }

    var outOfServiceForDisk: Bool { front.outOfServiceForDisk }

    func stop() async { await front.stop() }
}
