import Foundation
import KioskCore
import Logging

/// The kiosk's view of its devices, shared by the pollers that feed it, the heartbeat that reports
/// it and the metrics that show it. A change (a fault beginning or ending) is one journal record
/// and one count; an observation that changes nothing only refreshes the `kioskd_device_up` gauge.
actor DeviceMonitor {
    private var book = DeviceHealthBook()
    /// The last authentication's verdict on the PSAM: only an authentication can tell a PSAM
    /// that answers wrongly from a good one, so it holds until the next one or until the PSAM leaves.
    private var psamProblem: ProtectedDataProblem?
    private let store: any RecordStore
    private let metrics: KioskMetrics
    private let clock: @Sendable () -> Date
    private let logger: Logger

    init(store: any RecordStore, metrics: KioskMetrics, clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// Takes one reading of `device`. A record that cannot be written (the disk full) is said in
    /// the log; the state is kept either way, so the heartbeat and the gauge stay true.
    func observe(_ device: MonitoredDevice, _ state: DeviceState, reasons: [String] = []) async {
        let change = book.observe(device, state: state, reasons: reasons, at: clock())
        metrics.setDeviceUp(device, book.state(of: device).isUp)
        guard let change else { return }
        let level: Logger.Level = change.phase == .ended ? .notice : (change.state == .failed ? .warning : .notice)
        logger.log(
            level: level, "device \(change.device.rawValue) \(change.phase == .ended ? "back to ok" : change.state.rawValue)",
            metadata: ["reasons": "\(change.reasons.joined(separator: ","))"])
        let entry = JournalEntry.deviceFault(change)
        do {
            _ = try await store.append(entry)
        } catch {
            logger.error("device fault not journalled: \(error)")
        }
        metrics.observe(entry)
    }

    /// An authentication through the PSAM ended: nil = the PSAM did its part.
    func notePSAMAuthentication(_ problem: ProtectedDataProblem?) async {
        psamProblem = problem
        await observePSAM(present: problem != .psamMissing)
    }

    /// The PSAM as pcscd shows it (its reader listed with a card in it), with the last
    /// authentication's verdict while it stays in.
    func observePSAM(present: Bool) async {
        guard present else {
            psamProblem = nil
            await observe(.psam, .failed, reasons: ["gone"])
            return
        }
        if let psamProblem {
            await observe(.psam, .failed, reasons: [psamProblem.rawValue])
        } else {
            await observe(.psam, .ok)
        }
    }

    var devices: [DeviceReport] { book.devices }

    func state(of device: MonitoredDevice) -> DeviceState { book.state(of: device) }
}
