import KioskCore

/// The verdicts and actors of `kioskctl diag` as pure functions of what was measured, so the
/// thresholds are tested without devices. Actors follow who can fix it standing at the kiosk:
/// hall staff for paper, jams and doors (no tools, no training); the site's technician for
/// services, cables, queues, disks and the clock; operations at the city centre for what only
/// the centre controls (the hub, its certificates, the kiosk's registration).
public enum DiagnosticRules {
    public struct Judgement: Sendable, Equatable {
        public var verdict: DiagnosticResult.Verdict
        public var actor: DiagnosticResult.Actor
        public var action: String
        public var actionZh: String?

        public init(_ verdict: DiagnosticResult.Verdict, _ actor: DiagnosticResult.Actor, _ action: String, zh: String? = nil) {
            self.verdict = verdict
            self.actor = actor
            self.action = action
            self.actionZh = zh
        }

        public static let ok = Judgement(.ok, .none, "")
    }

    /// A job older than this that has not completed is stuck, not busy.
    public static let stuckJobSeconds = 600
    public static let diskFailBytes: Int64 = 200 * 1_048_576
    public static let diskFailFraction = 0.05
    public static let diskWarnFraction = 0.15
    public static let skewWarnSeconds = 60.0
    public static let skewFailSeconds = 300.0
    public static let outboxMaxPending = 1000
    public static let outboxMaxAgeSeconds = 3600.0
    public static let minimumColumns = 40
    public static let minimumRows = 12

    // MARK: printers

    /// A printer's reading and its stuck jobs → verdict, actor, action. A fault the printer
    /// reports wins over stuck jobs (the jobs are stuck because of it).
    public static func printer(_ snapshot: PrinterSnapshot, stuckJobs: Int = 0) -> Judgement {
        if snapshot.reasons.contains(PrinterSnapshot.cupsdUnreachable) {
            return Judgement(.fail, .technician, "start cups (systemctl start cups)", zh: "请技术人员启动打印服务 cups")
        }
        switch snapshot.condition {
        case .paperOut:
            return Judgement(.fail, .staff, "load paper", zh: "请装纸")
        case .jammed:
            return Judgement(.fail, .staff, "open the printer and clear the paper jam", zh: "请打开打印机，取出卡住的纸")
        case .doorOpen:
            return Judgement(.fail, .staff, "close the printer's door or cover", zh: "请关好打印机的门或盖板")
        case .stopped:
            return Judgement(
                .fail, .technician, "find why the queue stopped, then resume it: cupsenable \(snapshot.queue); cupsaccept \(snapshot.queue)"
            )
        case .offline where snapshot.detail?.hasPrefix("cupsd has no queue") == true:
            return Judgement(.fail, .technician, "add the CUPS queue \(snapshot.queue), or correct printers.* in the configuration")
        case .offline:
            return Judgement(.fail, .technician, "check the printer's power, cable and network; then kioskctl printer list")
        case .paperLow:
            return Judgement(.warn, .staff, "load paper soon", zh: "纸快用完了，请尽快装纸")
        case .unconfirmed:
            // Not ok: nobody knows. A fault from the last job is the staff's; otherwise only a
            // page printed now can tell.
            if let reported = snapshot.asLastReported {
                let judgement = printer(reported, stuckJobs: stuckJobs)
                return Judgement(
                    .warn, judgement.actor, "at its last job the printer reported it: \(judgement.action), then print a test page",
                    zh: judgement.actionZh.map { "上次打印时报告的故障：\($0)，然后打印测试页" })
            }
            return Judgement(
                .warn, .technician,
                "a USB or serial printer tells its state only while printing: print a test page to confirm it (kioskctl printer test-page)")
        case .ready:
            guard stuckJobs > 0 else { return .ok }
            return Judgement(
                .warn, .technician,
                "look at the stuck jobs (lpstat -o \(snapshot.queue)) and cancel those nobody waits for (cancel JOB-ID)")
        }
    }

    /// How many of the unfinished jobs (creation times, seconds since 1970) are older than
    /// `stuckJobSeconds` at `now`. A job whose age is unknown is not counted.
    public static func stuckJobs(createdAt: [Int?], now: Int) -> Int {
        createdAt.compactMap { $0 }.filter { now - $0 > stuckJobSeconds }.count
    }

    // MARK: store

    /// Free space on the store's file system: < 5 % or < 200 MB fails (the journal must never
    /// fill the disk), < 15 % warns.
    public static func disk(freeBytes: Int64, totalBytes: Int64) -> Judgement {
        let fraction = totalBytes > 0 ? Double(freeBytes) / Double(totalBytes) : 0
        if freeBytes < diskFailBytes || fraction < diskFailFraction {
            return Judgement(.fail, .technician, "free disk space now: remove old logs or files, or fit a bigger disk")
        }
        if fraction < diskWarnFraction {
            return Judgement(.warn, .technician, "free disk space soon: remove old logs or files")
        }
        return .ok
    }

    /// The outbox backlog: more than 1000 records or one older than an hour warns. When the
    /// last delivery attempt failed, the hub refuses or is down: operations act; without a
    /// failure kioskd is not delivering at all (stopped, or stuck): the technician acts.
    public static func outbox(pending: Int, oldestAgeSeconds: Double?, lastDeliveryFailed: Bool) -> Judgement {
        guard pending > outboxMaxPending || (oldestAgeSeconds ?? 0) > outboxMaxAgeSeconds else { return .ok }
        if lastDeliveryFailed {
            return Judgement(.warn, .operations, "tell the city centre: the hub does not take this kiosk's records")
        }
        return Judgement(.warn, .technician, "check that kioskd runs (systemctl status kioskd) and can reach the hub")
    }

    // MARK: hub

    /// The kiosk's clock against the hub's: beyond a minute signatures and certificates begin
    /// to fail; beyond five minutes they do. Setting the time is done at the kiosk.
    public static func clockSkew(seconds: Double) -> Judgement {
        let off = abs(seconds)
        if off > skewFailSeconds { return Judgement(.fail, .technician, "set the kiosk's clock (enable NTP: timedatectl set-ntp true)") }
        if off > skewWarnSeconds { return Judgement(.warn, .technician, "check the kiosk's clock (timedatectl; enable NTP)") }
        return .ok
    }

    // MARK: terminal

    /// The citizen screen needs at least 40 columns by 12 rows for its big text.
    public static func terminalSize(columns: Int, rows: Int) -> Judgement {
        guard columns >= minimumColumns && rows >= minimumRows else {
            return Judgement(
                .fail, .technician, "set the console to at least \(minimumColumns)×\(minimumRows) (font size, kmscon settings)")
        }
        return .ok
    }
}
