/// The hub as the rest of the kiosk sees it (docs/hub-api.yaml). The adapter (KioskHub)
/// speaks HTTPS; tests of logic use a fake. Errors: `HubProblem` for the hub's own answers,
/// KioskError `.hubUnavailable` when it cannot be reached (or the breaker is open), `.hub` for
/// answers that break the contract.
public protocol HubClient: Sendable {
    /// GET /v1/health: the hub's own word that it is alive, and its clock.
    func health() async throws -> HubHealth
    func resolveSubject(ssn: String, cardNumber: String, cardIdentifier: String) async throws -> HubSubject
    /// POST /v1/subjects/resolve with `{esscToken}`: the citizen of a scanned electronic social
    /// security card. Hub problems `essc-invalid` (unknown) and `essc-expired`. The token is a
    /// credential: never in a log line.
    func resolveSubject(esscToken: String) async throws -> HubSubject
    func contributions(subjectRef: String, from: String, to: String) async throws -> [ContributionRow]
    func pensionPayments(subjectRef: String, year: Int) async throws -> [PensionPayment]
    /// `idempotencyKey` makes a retried request return the same certificate, never a second one.
    func issueCertificate(subjectRef: String, months: Int, idempotencyKey: String) async throws -> HubCertificate
    func createVerificationSession(purpose: String, subjectRef: String, consent: FaceConsent) async throws -> VerificationSession
    /// Frames are sent once; the caller wipes them afterwards.
    func submitEvidence(sessionId: String, frames: [[UInt8]]) async throws -> Int
    func verificationState(sessionId: String) async throws -> VerificationState
    func cancelVerification(sessionId: String) async throws
    func submitRating(transactionId: String, service: String, score: Int, comment: String?) async throws
    /// POST /v1/staff/verify: a hall worker's one-time code for 帮办. An unknown or used code is
    /// the hub problem `staff-code-invalid`.
    func verifyStaff(code: String) async throws -> StaffAssistant
    /// POST /v1/kiosks/{id}/status: the kiosk's heartbeat.
    func heartbeat(_ beat: HubHeartbeat) async throws
    /// POST /v1/kiosks/{id}/status with a card left in the slot after its session: the hall's
    /// staff are told to take it.
    func reportCardLeft(_ notice: HubCardLeftNotice) async throws
    /// GET /v1/kiosks/{id}/config with If-None-Match: the newest signed bundle for this kiosk.
    func kioskConfig(etag: String?) async throws -> KioskConfigAnswer
    /// The breaker's view: up, degraded, down. The stream yields the current state first.
    func statusUpdates() -> AsyncStream<HubStatus>
    /// The breaker's view now.
    func currentStatus() async -> HubStatus
    /// Closes the client's connections; nothing is asked of it afterwards.
    func shutdown() async
}

public struct HubHealth: Sendable, Equatable, Codable {
    public var status: String
    public var time: String
    /// Round trip, milliseconds.
    public var latencyMs: Double

    public init(status: String, time: String, latencyMs: Double) {
        self.status = status
        self.time = time
        self.latencyMs = latencyMs
    }
}
