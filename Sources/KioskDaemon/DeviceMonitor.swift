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
    /// The last capture's failure, held like the PSAM's: a camera whose device node is there
    /// but whose pipeline fails is faulted until a capture works or the device goes away.
    private var cameraProblem: String?
    /// Whether kiosk-render is installed (the poll) and the last render's failure.
    private var rendererInstalled = true
    private var renderProblem: String?
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

    /// A capture ended: nil = it gave frames. A citizen's own doing (cancelled) is not noted.
    func noteCapture(_ problem: String?) async {
        cameraProblem = problem
        await observe(.camera, problem == nil ? .ok : .failed, reasons: problem.map { [$0] } ?? [])
    }

    /// The camera as its poll sees it (the device node, the demo folder), with the last
    /// capture's verdict while it stays there.
    func observeCamera(present: Bool) async {
        guard present else {
            cameraProblem = nil
            await observe(.camera, .failed, reasons: ["gone"])
            return
        }
        await observe(.camera, cameraProblem == nil ? .ok : .failed, reasons: cameraProblem.map { [$0] } ?? [])
    }

    /// A render ended: nil = it made the document.
    func noteRender(_ problem: String?) async {
        renderProblem = problem
        await observeRenderer(installed: rendererInstalled)
    }

    /// kiosk-render as installed (a file), with the last render's verdict.
    func observeRenderer(installed: Bool) async {
        rendererInstalled = installed
        if !installed {
            await observe(.renderer, .failed, reasons: ["missing"])
        } else if let renderProblem {
            await observe(.renderer, .failed, reasons: [renderProblem])
        } else {
            await observe(.renderer, .ok)
        }
    }

    var devices: [DeviceReport] { book.devices }

    func state(of device: MonitoredDevice) -> DeviceState { book.state(of: device) }
}
