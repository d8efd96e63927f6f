/// The memory of every print the kiosk promised a citizen, so no print is lost or printed twice:
/// a request is recorded before it is sent to CUPS, gets its CUPS job id once known, and is
/// closed with its outcome. After a crash the open requests are reconciled with CUPS's job
/// history. KioskStore keeps it in SQLite; KioskPrint uses it; tests of logic use a fake.
public protocol PrintRequestLog: Sendable {
    /// Records a request before anything is sent. The id is the caller's (a UUID string).
    func recordRequest(_ request: PrintRequest) async throws
    /// The CUPS job id, as soon as CUPS has accepted the job.
    func attachJob(requestId: String, printer: String, jobId: Int) async throws
    /// Closes the request with its final outcome.
    func finish(requestId: String, outcome: PrintOutcome) async throws
    /// Requests not finished yet (oldest first): the ones to reconcile after a restart.
    func openRequests() async throws -> [PrintRequest]
}

public struct PrintRequest: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case receipt, certificate, testPage = "test-page" }

    public var id: String
    public var kind: Kind
    /// The CUPS queue.
    public var printer: String
    /// The session it belongs to, if any (technicians' test pages have none).
    public var sessionId: String?
    /// A digest of the document (SHA-256 hex): a reprint is recognised as the same document.
    public var documentSHA256: String
    public var pages: Int
    public var createdAt: String
    /// Set once CUPS accepted the job.
    public var jobId: Int?
    /// True when printing it again cannot give the citizen two of something that counts
    /// (a receipt may be reprinted; a certificate with a verification code may not).
    public var safeToRetry: Bool

    public init(
        id: String, kind: Kind, printer: String, sessionId: String?, documentSHA256: String, pages: Int, createdAt: String,
        jobId: Int? = nil, safeToRetry: Bool
    ) {
        self.id = id
        self.kind = kind
        self.printer = printer
        self.sessionId = sessionId
        self.documentSHA256 = documentSHA256
        self.pages = pages
        self.createdAt = createdAt
        self.jobId = jobId
        self.safeToRetry = safeToRetry
    }
}

public enum PrintOutcome: String, Sendable, Equatable, Codable {
    /// job-state completed.
    case completed
    /// Cancelled by the kiosk (the citizen was sent to the counter) or by a technician.
    case cancelled
    /// Aborted by the printer or CUPS.
    case aborted
    /// CUPS has no record of it after a restart: reported, never silently reprinted.
    case missing
}
