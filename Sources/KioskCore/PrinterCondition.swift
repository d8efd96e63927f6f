/// What a printer can do for a citizen right now, in the few words the session engine and the
/// screen need. Mapped from IPP printer-state and printer-state-reasons (RFC 8011 §5.4.12); the
/// raw values stay in `PrinterSnapshot` for technicians.
public enum PrinterCondition: String, Sendable, Equatable, Codable, CaseIterable {
    case ready
    /// Prints, but the roll or tray is nearly empty: fine for this citizen, call a technician.
    case paperLow = "paper-low"
    case paperOut = "paper-out"
    case jammed
    case doorOpen = "door-open"
    /// The printer (or cupsd) does not answer.
    case offline
    /// The CUPS queue is stopped or not accepting jobs: nothing prints until a technician resumes it.
    case stopped
    /// Nobody can ask the printer: a USB or serial printer behind a CUPS driver tells cupsd its
    /// state only while a job runs, so at idle it is unknown until the next job. Never shown as
    /// ready. A job is still sent: it is the only way to learn, and a job that meets an empty roll
    /// waits at the printer, reported, as one that runs out mid-job does.
    case unconfirmed

    /// True when a job sent now may come out of the printer.
    public var canPrint: Bool { self == .ready || self == .paperLow || self == .unconfirmed }

    /// The condition for a printer-state (3 idle, 4 processing, 5 stopped) and its reasons.
    /// Reasons carry a severity suffix (`-error`, `-warning`, `-report`) that printers choose
    /// differently (ippeveprinter says `media-empty-warning` while a job waits), so the suffix is
    /// ignored: an empty roll is an empty roll. The most actionable fault wins.
    public static func from(state: String, reasons: [String], acceptingJobs: Bool = true) -> PrinterCondition {
        let bare = Set(reasons.map(Self.stripSeverity))
        if bare.contains("offline") || bare.contains("shutdown") || bare.contains("connecting-to-device")
            || bare.contains("timed-out")
        {
            return .offline
        }
        if bare.contains("media-jam") || bare.contains("input-tray-missing") { return .jammed }
        if bare.contains("door-open") || bare.contains("cover-open") || bare.contains("interlock-open") { return .doorOpen }
        if bare.contains("media-empty") || bare.contains("media-needed") { return .paperOut }
        if state == "stopped" || state == "5" || bare.contains("paused") || !acceptingJobs { return .stopped }
        if bare.contains("media-low") { return .paperLow }
        return .ready
    }

    /// The condition of a queue whose printer cannot be asked (its device is not IPP): what
    /// cupsd holds is the backend's word, live while a job runs and as of the last job at idle.
    /// A stopped queue is cupsd's own fact and stays stopped.
    public static func fromQueueOnly(state: String, reasons: [String], acceptingJobs: Bool = true) -> PrinterCondition {
        let condition = from(state: state, reasons: reasons, acceptingJobs: acceptingJobs)
        let queueStopped = condition == .stopped || state == "stopped" || state == "5" || !acceptingJobs
        if queueStopped || state == "processing" || state == "4" { return condition }
        return .unconfirmed
    }

    static func stripSeverity(_ reason: String) -> String {
        for suffix in ["-error", "-warning", "-report"] where reason.hasSuffix(suffix) {
            return String(reason.dropLast(suffix.count))
        }
        return reason
    }
}

/// One reading of a printer: what the session engine decides on, and what `kioskctl printer list`
/// shows. Queue facts come from cupsd; state, reasons and media from the printer itself, because
/// cupsd does not poll an idle printer and would say "idle, none" with the roll empty.
public struct PrinterSnapshot: Sendable, Equatable, Codable {
    /// The CUPS queue.
    public var queue: String
    public var condition: PrinterCondition
    /// `idle`, `processing`, `stopped`, or `unknown` when nobody answered.
    public var state: String
    /// The union of the queue's and the printer's printer-state-reasons, `none` left out, sorted.
    public var reasons: [String]
    /// media-ready: what is loaded.
    public var media: [String]
    /// Supply levels (marker-names with marker-levels, percent; -1 unknown). Empty when the
    /// printer reports none.
    public var markers: [PrinterMarker]
    public var acceptingJobs: Bool
    public var queuedJobs: Int
    /// Why the printer is offline, in plain words, when it is.
    public var detail: String?

    public init(
        queue: String, condition: PrinterCondition, state: String, reasons: [String], media: [String] = [],
        markers: [PrinterMarker] = [], acceptingJobs: Bool = true, queuedJobs: Int = 0, detail: String? = nil
    ) {
        self.queue = queue
        self.condition = condition
        self.state = state
        self.reasons = reasons
        self.media = media
        self.markers = markers
        self.acceptingJobs = acceptingJobs
        self.queuedJobs = queuedJobs
        self.detail = detail
    }

    /// The reason a snapshot carries when cupsd itself did not answer (not an IPP keyword: the
    /// fix is starting cupsd, not walking to the printer).
    public static let cupsdUnreachable = "cupsd-unreachable"

    /// For a printer whose state is unconfirmed: the fault its backend reported at the last job,
    /// which cupsd still holds (an empty roll that nobody may have refilled since). Nil otherwise.
    public var lastReportedFault: PrinterCondition? {
        guard condition == .unconfirmed else { return nil }
        let reported = PrinterCondition.from(state: "idle", reasons: reasons)
        return reported == .ready ? nil : reported
    }

    /// The condition to show: a fault reported at the last job rather than "unconfirmed".
    public var shownCondition: PrinterCondition { lastReportedFault ?? condition }

    /// This reading as the printer reported it at its last job (its fault for the condition), for
    /// the heartbeat and diag to judge as any fault; nil when it reported none.
    public var asLastReported: PrinterSnapshot? {
        guard let fault = lastReportedFault else { return nil }
        var reported = self
        reported.condition = fault
        return reported
    }

    /// What a printer that cannot be reached looks like.
    public static func offline(queue: String, detail: String) -> PrinterSnapshot {
        PrinterSnapshot(queue: queue, condition: .offline, state: "unknown", reasons: [], acceptingJobs: false, detail: detail)
    }
}

public struct PrinterMarker: Sendable, Equatable, Codable {
    public var name: String
    public var level: Int
    public init(name: String, level: Int) {
        self.name = name
        self.level = level
    }
}
