import Foundation

/// The devices the centre hears about, by the names of the hub contract's heartbeat
/// (`devices[].device`) and of the `kioskd_device_*` metrics.
public enum MonitoredDevice: String, Sendable, Hashable, Codable, CaseIterable {
    case cardReader = "card-reader"
    case psam
    case receiptPrinter = "receipt-printer"
    case a4Printer = "a4-printer"
    case camera
    case scanner
    case audio
    case renderer
    case store

    /// The printer device of a printer role.
    public static func printer(_ role: PrinterRole) -> MonitoredDevice {
        role == .receipt ? .receiptPrinter : .a4Printer
    }
}

/// How a device is, in the heartbeat's words.
public enum DeviceState: String, Sendable, Equatable, Codable, CaseIterable {
    case ok
    /// Works, but needs a technician soon (a roll nearly empty, the store's disk filling).
    case degraded
    case failed
    /// Not asked yet, or it cannot say (a printer whose state only a job reveals).
    case unknown

    /// What the `kioskd_device_up` gauge shows: a failed device is down, the others are up.
    public var isUp: Bool { self != .failed }
}

/// One device's state as the heartbeat carries it.
public struct DeviceReport: Sendable, Equatable, Codable {
    public var device: String
    public var state: DeviceState
    /// Short machine words: IPP's `media-empty`, `media-jam`…, or `gone`, `no-service`.
    public var reasons: [String]
    /// RFC 3339 UTC: when this state began.
    public var since: String

    public init(device: MonitoredDevice, state: DeviceState, reasons: [String], since: String) {
        self.device = device.rawValue
        self.state = state
        self.reasons = reasons
        self.since = since
    }
}

/// The kiosk's book of device states: each observation goes in; what comes out is only the
/// changes, so a fault is journalled once when it starts and once when it ends, however often
/// the device is polled. Pure: the monitor service does the asking, the journal and the metrics.
public struct DeviceHealthBook: Sendable, Equatable {
    /// A change the monitor journals and counts.
    public struct Change: Sendable, Equatable {
        public enum Phase: String, Sendable, Equatable {
            /// A fault (failed or degraded) began, or its reasons changed.
            case began
            /// The device is ok again.
            case ended
        }
        public var device: MonitoredDevice
        public var phase: Phase
        public var state: DeviceState
        /// The fault's reasons: for `ended`, those of the fault that ended.
        public var reasons: [String]
        /// Reasons that are new with this change (counted once each in the faults counter).
        public var newReasons: [String]
        /// How long the ended fault lasted, in whole seconds.
        public var lastedSeconds: Int?
    }

    private struct Entry: Sendable, Equatable {
        var state: DeviceState
        var reasons: [String]
        var since: Date
    }

    private var entries: [MonitoredDevice: Entry] = [:]

    public init() {}

    /// Records what `device` reported at `now`; returns the change it makes, if any. Reasons are
    /// compared as sets (printers list them in any order). A device going from unknown to ok is
    /// no change worth a record; unknown after a fault ends nothing (it is not known to be fixed).
    public mutating func observe(
        _ device: MonitoredDevice, state: DeviceState, reasons: [String] = [], at now: Date
    ) -> Change? {
        let reasons = Array(Set(reasons)).sorted()
        guard let previous = entries[device] else {
            entries[device] = Entry(state: state, reasons: reasons, since: now)
            guard state == .failed || state == .degraded else { return nil }
            return Change(device: device, phase: .began, state: state, reasons: reasons, newReasons: reasons, lastedSeconds: nil)
        }
        if previous.state == state && previous.reasons == reasons { return nil }
        let wasFault = previous.state == .failed || previous.state == .degraded
        let isFault = state == .failed || state == .degraded
        if state == .unknown && wasFault {
            // A device that cannot be asked for a while (unknown) after a fault is still faulted
            // as far as anyone knows: the fault stays open and its state as it was.
            return nil
        }
        entries[device] = Entry(state: state, reasons: reasons, since: now)
        switch (wasFault, isFault) {
        case (false, true):
            return Change(device: device, phase: .began, state: state, reasons: reasons, newReasons: reasons, lastedSeconds: nil)
        case (true, true):
            let added = reasons.filter { !previous.reasons.contains($0) }
            return Change(device: device, phase: .began, state: state, reasons: reasons, newReasons: added, lastedSeconds: nil)
        case (true, false):
            let lasted = Int(now.timeIntervalSince(previous.since).rounded(.down))
            return Change(
                device: device, phase: .ended, state: state, reasons: previous.reasons, newReasons: [],
                lastedSeconds: max(lasted, 0))
        case (false, false):
            return nil
        }
    }

    /// The state of `device`, unknown when it was never observed.
    public func state(of device: MonitoredDevice) -> DeviceState { entries[device]?.state ?? .unknown }

    /// Every observed device, in the contract's order, for the heartbeat.
    public var devices: [DeviceReport] {
        MonitoredDevice.allCases.compactMap { device in
            entries[device].map { DeviceReport(device: device, state: $0.state, reasons: $0.reasons, since: StoreTime.format($0.since)) }
        }
    }
}

extension DeviceHealthBook {
    /// A printer's reading in the heartbeat's words: ready ok; a roll nearly empty degraded;
    /// anything that stops a job failed, with the printer's own reasons (severity suffixes off);
    /// a printer nobody can ask unknown, or failed with the fault it reported at its last job.
    public static func printerState(_ snapshot: PrinterSnapshot) -> (DeviceState, [String]) {
        let reasons = snapshot.reasons.map(PrinterCondition.stripSeverity).filter { $0 != "none" }
        switch snapshot.condition {
        case .ready: return (.ok, [])
        case .paperLow: return (.degraded, reasons.isEmpty ? ["media-low"] : reasons)
        case .paperOut: return (.failed, reasons.isEmpty ? ["media-empty"] : reasons)
        case .jammed: return (.failed, reasons.isEmpty ? ["media-jam"] : reasons)
        case .doorOpen: return (.failed, reasons.isEmpty ? ["door-open"] : reasons)
        case .offline: return (.failed, reasons.isEmpty ? ["offline"] : reasons)
        case .stopped: return (.failed, reasons.contains("paused") ? reasons : reasons + ["stopped"])
        case .unconfirmed:
            // A fault the printer reported at its last job stands until a job says otherwise.
            guard let reported = snapshot.asLastReported else { return (.unknown, ["unconfirmed"]) }
            return printerState(reported)
        }
    }
}
