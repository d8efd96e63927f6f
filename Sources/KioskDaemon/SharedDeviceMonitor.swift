import KioskCore
import Logging
import Synchronization

/// The one DeviceMonitor of a kioskd: fronts come and go with configurations (a bundle applied,
/// out of service for the disk and back), a device's fault does not. Kept here, a paper-out that
/// lasts through a new front stays one record when it begins and one when it ends, and an
/// out-of-service front's heartbeat still tells the centre how the devices are.
final class SharedDeviceMonitor: Sendable {
    private let shared = Mutex<DeviceMonitor?>(nil)

    init() {}

    /// The monitor, made on first use with the store kioskd opened (one for its life).
    func monitor(store: any RecordStore, metrics: KioskMetrics, logger: Logger) -> DeviceMonitor {
        shared.withLock { shared in
            if let shared { return shared }
            let made = DeviceMonitor(store: store, metrics: metrics, logger: logger)
            shared = made
            return made
        }
    }
}
