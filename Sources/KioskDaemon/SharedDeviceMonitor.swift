import KioskCore
import Logging
import Synchronization

/// The one DeviceMonitor of a kioskd, and the metrics it and every front count into: fronts come
/// and go with configurations (a bundle applied, out of service for the disk and back), a
/// device's fault does not. Kept here, a paper-out that lasts through a new front stays one record
/// when it begins and one when it ends, its gauge and counter stay in the registry the endpoint
/// serves, and an out-of-service front's heartbeat still tells the centre how the devices are.
final class SharedDeviceMonitor: Sendable {
    private let shared = Mutex<(monitor: DeviceMonitor, metrics: KioskMetrics)?>(nil)
    private let makeMetrics: @Sendable () -> KioskMetrics

    /// `makeMetrics` runs once, at the first front (after kioskd bootstrapped its registry).
    init(makeMetrics: @escaping @Sendable () -> KioskMetrics = { KioskMetrics(registry: KioskMetrics.daemonRegistry()) }) {
        self.makeMetrics = makeMetrics
    }

    /// The monitor and the metrics, made on first use with the store kioskd opened (one for its life).
    func monitor(store: any RecordStore, logger: Logger) -> (monitor: DeviceMonitor, metrics: KioskMetrics) {
        shared.withLock { shared in
            if let shared { return shared }
            let metrics = makeMetrics()
            let made = (monitor: DeviceMonitor(store: store, metrics: metrics, logger: logger), metrics: metrics)
            shared = made
            return made
        }
    }
}
