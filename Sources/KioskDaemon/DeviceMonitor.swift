import Foundation
import KioskCore
import Logging

/// The kiosk's view of its devices, shared by the pollers that feed it, the heartbeat that reports
/// it and the metrics that show it. A change (a fault beginning or ending) is one journal record
/// and one count; an observation that changes nothing only refreshes the `kioskd_device_up` gauge.
actor DeviceMonitor {
    private var book = DeviceHealthBook()
    /// For the devices a poll sees only as there or not (the PSAM, the camera, the renderer):
    /// the last use's failure (an authentication, a capture, a render), which only a use can
    /// tell and which holds while the device stays there, until a use works or it goes away.
    private var lastUseFailed: [MonitoredDevice: String] = [:]
    /// Why each such device was not there at its last poll (nil: it was there).
    private var absence: [MonitoredDevice: String] = [:]
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

    /// Takes one reading of `device`. The state is kept at once, so the heartbeat and the gauge
    /// stay true; a record that cannot be written now (the disk full) waits, in order, and is
    /// written at the next reading that can, so no fault is left with an end and no beginning.
    func observe(_ device: MonitoredDevice, _ state: DeviceState, reasons: [String] = []) async {
        let change = book.observe(device, state: state, reasons: reasons, at: clock())
        metrics.setDeviceUp(device, book.state(of: device).isUp)
        if let change {
            let level: Logger.Level = change.phase == .ended ? .notice : (change.state == .failed ? .warning : .notice)
            logger.log(
                level: level, "device \(change.device.rawValue) \(change.phase == .ended ? "back to ok" : change.state.rawValue)",
                metadata: ["reasons": "\(change.reasons.joined(separator: ","))"])
            if unwritten.count >= Self.maximumUnwritten {
                unwritten.removeFirst()
                logger.error("device fault records: more than \(Self.maximumUnwritten) wait for the store, the oldest is dropped")
            }
            unwritten.append(JournalEntry.deviceFault(change))
        }
        await writeWaiting()
    }

    /// Changes not yet in the journal, oldest first.
    private var unwritten: [JournalEntry] = []
    /// A write is under way: another reading (the actor is reentrant across the store's await)
    /// leaves the queue to it, so no record is written twice.
    private var writing = false
    static let maximumUnwritten = 256

    private func writeWaiting() async {
        guard !writing else { return }
        writing = true
        defer { writing = false }
        while let entry = unwritten.first {
            do {
                _ = try await store.append(entry)
            } catch {
                // Said when the backlog changes, not at every reading of every device.
                if unwritten.count != saidWaiting {
                    saidWaiting = unwritten.count
                    logger.error("device fault not journalled yet (\(unwritten.count) waiting, tried again at the next reading): \(error)")
                }
                return
            }
            unwritten.removeFirst()
            saidWaiting = 0
            metrics.observe(entry)
        }
    }
    private var saidWaiting = 0

    /// A device as its poll sees it: there or not (`absentReason` then). One that goes away
    /// forgets its last use's failure: put back, it is judged afresh.
    func observePresence(_ device: MonitoredDevice, present: Bool, absentReason: String = "gone") async {
        absence[device] = present ? nil : absentReason
        if !present { lastUseFailed[device] = nil }
        await observeHeld(device)
    }

    /// A use of `device` ended: nil = it worked. Its failure holds through the presence polls.
    func noteUse(_ device: MonitoredDevice, failed problem: String?) async {
        lastUseFailed[device] = problem
        await observeHeld(device)
    }

    /// An authentication through the PSAM ended: nil = the PSAM did its part; missing = it is
    /// not there at all.
    func notePSAMAuthentication(_ problem: ProtectedDataProblem?) async {
        if problem == .psamMissing {
            await observePresence(.psam, present: false)
        } else {
            absence[.psam] = nil
            await noteUse(.psam, failed: problem?.rawValue)
        }
    }

    private func observeHeld(_ device: MonitoredDevice) async {
        if let reason = absence[device] ?? lastUseFailed[device] {
            await observe(device, .failed, reasons: [reason])
        } else {
            await observe(device, .ok)
        }
    }

    var devices: [DeviceReport] { book.devices }

    func state(of device: MonitoredDevice) -> DeviceState { book.state(of: device) }
}
