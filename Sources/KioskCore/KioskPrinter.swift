/// One kiosk printer (a CUPS queue) as the session engine sees it. The adapter (KioskPrint's
/// `CUPSKioskPrinter`) records every submission in the `PrintRequestLog` before sending it, so a
/// crash never loses or duplicates a print; tests of logic use a fake.
public protocol KioskPrinter: Sendable {
    /// The CUPS queue.
    var queue: String { get }
    /// Asks the printer now. Never throws: an unreachable printer or cupsd reads as `.offline`.
    func status() async -> PrinterSnapshot
    /// The current snapshot first, then each change (the adapter polls the printer on an
    /// interval). Ends when the subscriber stops iterating.
    func statusUpdates() -> AsyncStream<PrinterSnapshot>
    /// Records the request, sends the PDF to the queue, attaches the CUPS job id, and returns it.
    /// Throws `printer` when the printer cannot print now (the caller tells the citizen before
    /// anything is sent), `cupsUnavailable` when cupsd does not answer.
    func submit(_ submission: PrintSubmission) async throws -> PrintJobStatus
    /// Follows a job to its final state: one progress value per change, ending after the final
    /// one (whose outcome is then closed in the log). A job held by a fault (paper out, jam)
    /// stays `processing` with `isHeld`; the caller decides to wait for the fix or `cancel`.
    func follow(jobId: Int, requestId: String) -> AsyncThrowingStream<PrintJobProgress, any Error>
    /// Cancels a job (the citizen was sent to the counter) and closes its request as cancelled.
    func cancel(jobId: Int, requestId: String) async throws
    /// Lets a stopped queue print again (after a technician fixed the printer).
    func resume() async throws
    /// After a start: closes every open request of this queue by CUPS's job history (completed →
    /// done; aborted, cancelled or missing → closed and reported). Reprints nothing itself:
    /// `shouldReprint` says where printing again is safe. A request CUPS cannot be asked about
    /// now stays open and is listed as unsettled; the others are settled all the same. Throws
    /// only when the open requests cannot be read.
    func reconcile() async throws -> PrintReconciliationPass
    /// `reconcile()`, but a job not yet finished is cancelled at CUPS and closed as
    /// `cancelledAtStart`: what kioskd does at start, when no citizen waits for any job.
    /// `only` limits the pass to those requests (a retry of the ones left unsettled at start must
    /// never touch a later citizen's job).
    func reconcileCancellingUnfinished(only: Set<String>?) async throws -> PrintReconciliationPass
}

/// A document to print, already rendered.
public struct PrintSubmission: Sendable, Equatable {
    /// The caller's id for this print (a UUID string): the PrintRequestLog key and the CUPS job name.
    public var requestId: String
    public var kind: PrintRequest.Kind
    public var sessionId: String?
    public var pdf: [UInt8]
    public var pages: Int
    /// IPP media keywords in order of preference; the first the queue supports is sent, none
    /// if it supports none of them (the printer's loaded media is used).
    public var media: [String]
    /// See `PrintRequest.safeToRetry`.
    public var safeToRetry: Bool

    public init(
        requestId: String, kind: PrintRequest.Kind, sessionId: String?, pdf: [UInt8], pages: Int, media: [String], safeToRetry: Bool
    ) {
        self.requestId = requestId
        self.kind = kind
        self.sessionId = sessionId
        self.pdf = pdf
        self.pages = pages
        self.media = media
        self.safeToRetry = safeToRetry
    }

    /// The CUPS job name: finds the job again after a restart even if its id was never recorded.
    public var jobName: String { "kioskd-\(requestId)" }
}

/// IPP job-state (RFC 8011 §5.3.7).
public enum PrintJobState: String, Sendable, Equatable, Codable {
    case pending, held, processing, stopped, cancelled, aborted, completed

    public init?(ippValue: Int) {
        switch ippValue {
        case 3: self = .pending
        case 4: self = .held
        case 5: self = .processing
        case 6: self = .stopped
        case 7: self = .cancelled
        case 8: self = .aborted
        case 9: self = .completed
        default: return nil
        }
    }

    public var isFinal: Bool { self == .cancelled || self == .aborted || self == .completed }
}

public struct PrintJobStatus: Sendable, Equatable, Codable {
    public var jobId: Int
    public var state: PrintJobState
    /// job-state-reasons, `none` left out. Judge by `state`: reasons may still say
    /// `processing-to-stop-point` after completion.
    public var reasons: [String]
    /// The media keyword sent with the job, if any.
    public var media: String?
    /// Pages of the document sent (the kiosk knows them from rendering; the printer may not say).
    public var pages: Int?

    public init(jobId: Int, state: PrintJobState, reasons: [String], media: String? = nil, pages: Int? = nil) {
        self.jobId = jobId
        self.state = state
        self.reasons = reasons
        self.media = media
        self.pages = pages
    }
}

/// A job and the printer it waits for, as one value: "processing, but the roll is empty".
public struct PrintJobProgress: Sendable, Equatable {
    public var job: PrintJobStatus
    public var printer: PrinterSnapshot

    public init(job: PrintJobStatus, printer: PrinterSnapshot) {
        self.job = job
        self.printer = printer
    }

    /// The job cannot go on until someone fixes the printer.
    public var isHeld: Bool { !job.state.isFinal && !printer.condition.canPrint }
}

/// What reconciling one open request after a restart found and did.
public struct PrintReconciliation: Sendable, Equatable {
    public enum Finding: String, Sendable, Equatable {
        /// CUPS completed it: closed as completed.
        case completed
        /// Still queued or printing: left open; follow it.
        case stillInQueue = "still-in-queue"
        /// Aborted or cancelled at CUPS: closed and reported.
        case aborted, cancelled
        /// CUPS has no record: closed as missing and reported.
        case missing
        /// Still queued or held when the kiosk started: its citizen is gone, so it was cancelled
        /// (a certificate held for paper must not come out for the next citizen).
        case cancelledAtStart = "cancelled-at-start"
        /// Printing (or stopped mid-job) when the kiosk started: cancelled like a queued one, but
        /// its pages may be out already, whole or in part, so its outcome is unknown.
        case cancelledWhilePrinting = "cancelled-while-printing"
    }

    public var request: PrintRequest
    public var finding: Finding
    public var jobId: Int?
    /// Printing it again cannot give the citizen two of something that counts (receipts); a
    /// certificate is never reprinted by the kiosk on its own.
    public var shouldReprint: Bool

    public init(request: PrintRequest, finding: Finding, jobId: Int?, shouldReprint: Bool) {
        self.request = request
        self.finding = finding
        self.jobId = jobId
        self.shouldReprint = shouldReprint
    }
}

/// One reconciliation pass over a queue: what it settled, and what it could not settle now.
public struct PrintReconciliationPass: Sendable, Equatable {
    /// A request left open: CUPS (or the log) failed for it this time.
    public struct Unsettled: Sendable, Equatable {
        public var request: PrintRequest
        public var reason: String
        public init(request: PrintRequest, reason: String) {
            self.request = request
            self.reason = reason
        }
    }

    public var findings: [PrintReconciliation]
    public var unsettled: [Unsettled]

    public init(findings: [PrintReconciliation] = [], unsettled: [Unsettled] = []) {
        self.findings = findings
        self.unsettled = unsettled
    }
}

extension KioskPrinter {
    /// Follows a job to its final state and returns it.
    public func waitForCompletion(jobId: Int, requestId: String) async throws -> PrintJobStatus {
        var last: PrintJobStatus?
        for try await progress in follow(jobId: jobId, requestId: requestId) { last = progress.job }
        guard let last else { throw KioskError(.printer, "job \(jobId) ended without a state") }
        return last
    }
}
