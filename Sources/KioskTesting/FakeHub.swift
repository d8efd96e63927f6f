import Foundation
import KioskCore
import Synchronization

/// The hub in process, for tests of orchestration: answers from a script the test sets, and a
/// record of what was asked. `script.down` makes every call fail as an unreachable hub does.
public final class FakeHub: HubClient {
    public struct Script: Sendable {
        /// Every call fails with `.hubUnavailable`, as when the breaker is open.
        public var down = false
        /// Answers to resolveSubject; nil: the hub does not know the card (404).
        public var subject: HubSubject? = SessionFixtures.subject()
        /// Electronic social security card tokens the hub knows; `expiredTokens` it knew once.
        public var esscTokens: [String: HubSubject] = [:]
        public var expiredTokens: Set<String> = []
        /// Hall workers' codes the hub knows (帮办).
        public var staffCodes: [String: StaffAssistant] = [:]
        public var certificate = SessionFixtures.certificate
        public var contributions = SessionFixtures.contributions
        public var pensionPayments = SessionFixtures.pensionPayments
        /// The face decision once the evidence is in ("passed", "failed-retryable", …).
        public var faceDecision = "passed"
        /// Config answers in order; afterwards `.notModified`.
        public var configAnswers: [KioskConfigAnswer] = []
        /// Every heartbeat is refused with this problem (a hub that does not know the kiosk).
        public var heartbeatRefusal: HubProblem?
        /// Each call waits this long first (a slow hub).
        public var latency: Duration = .zero
        public init() {}
    }

    public struct Record: Sendable {
        public var calls: [String] = []
        public var heartbeats: [HubHeartbeat] = []
        public var cardLeft: [HubCardLeftNotice] = []
        public var configETags: [String?] = []
        public var certificateKeys: [String] = []
        public var cancelledVerifications: [String] = []
        public var evidenceFrames = 0
        public var shutDown = false
    }

    private let state = Mutex((Script(), Record()))
    /// The breaker's state and its subscribers, under one lock: none misses a change.
    private let status = Mutex((current: HubStatus.up, subscribers: [AsyncStream<HubStatus>.Continuation]()))
    /// Evidence uploads wait while this is set (`holdEvidence()`), until `releaseEvidence()`.
    private let evidenceHeld = Mutex(false)

    public init() {}

    public func script(_ change: (inout Script) -> Void) { state.withLock { change(&$0.0) } }
    public var record: Record { state.withLock { $0.1 } }

    /// The breaker's state as subscribers see it.
    public func publish(_ new: HubStatus) {
        status.withLock { status in
            status.current = new
            for continuation in status.subscribers { continuation.yield(new) }
        }
    }

    /// The next evidence uploads wait until `releaseEvidence()`: the face flow stands still at a
    /// known step while the test acts.
    public func holdEvidence() { evidenceHeld.withLock { $0 = true } }
    public func releaseEvidence() { evidenceHeld.withLock { $0 = false } }

    /// Notes the call, waits the script's latency, and fails when the hub is down.
    private func enter(_ name: String, _ note: (inout Record) -> Void = { _ in }) async throws -> Script {
        let (script, _) = state.withLock { value in
            value.1.calls.append(name)
            note(&value.1)
            return value
        }
        if script.latency > .zero { try await Task.sleep(for: script.latency) }
        if script.down { throw KioskError(.hubUnavailable, "the fake hub is down") }
        return script
    }

    public func health() async throws -> HubHealth {
        _ = try await enter("health")
        return HubHealth(status: "ok", time: Date().formatted(.iso8601), latencyMs: 1)
    }

    public func resolveSubject(ssn: String, cardNumber: String, cardIdentifier: String) async throws -> HubSubject {
        guard let subject = try await enter("resolveSubject").subject else {
            throw HubProblem(status: 404, code: "subject-not-found", title: "unknown card", retryable: false, requestId: nil)
        }
        return subject
    }

    public func resolveSubject(esscToken: String) async throws -> HubSubject {
        let script = try await enter("resolveESSC")
        if script.expiredTokens.contains(esscToken) {
            throw HubProblem(status: 410, code: "essc-expired", title: "expired code", retryable: false, requestId: nil)
        }
        guard var subject = script.esscTokens[esscToken] else {
            throw HubProblem(status: 404, code: "essc-invalid", title: "unknown code", retryable: false, requestId: nil)
        }
        subject.credential = "essc"
        return subject
    }

    public func contributions(subjectRef: String, from: String, to: String) async throws -> [ContributionRow] {
        try await enter("contributions").contributions
    }

    public func pensionPayments(subjectRef: String, year: Int) async throws -> [PensionPayment] {
        try await enter("pensionPayments").pensionPayments
    }

    public func issueCertificate(subjectRef: String, months: Int, idempotencyKey: String) async throws -> HubCertificate {
        try await enter("issueCertificate") { $0.certificateKeys.append(idempotencyKey) }.certificate
    }

    public func createVerificationSession(purpose: String, subjectRef: String, consent: FaceConsent) async throws -> VerificationSession {
        _ = try await enter("createVerificationSession")
        return SessionFixtures.decode(
            #"{"sessionId":"face-1","challenge":{"type":"blink","value":"2"},"expiresAt":"2099-01-01T00:00:00Z","attemptsLeftToday":3}"#)
    }

    public func submitEvidence(sessionId: String, frames: [[UInt8]]) async throws -> Int {
        _ = try await enter("submitEvidence") { $0.evidenceFrames += frames.count }
        while evidenceHeld.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        return 100
    }

    public func verificationState(sessionId: String) async throws -> VerificationState {
        let decision = try await enter("verificationState").faceDecision
        return SessionFixtures.decode(
            #"{"status":"completed","decision":"\#(decision)","attemptsLeftToday":2,"receiptNo":"FV-1","#
                + #""qualification":{"nextDueBy":"2027-11-30","paymentSuspended":false}}"#)
    }

    public func cancelVerification(sessionId: String) async throws {
        _ = try await enter("cancelVerification") { $0.cancelledVerifications.append(sessionId) }
    }

    public func submitRating(transactionId: String, service: String, score: Int, comment: String?) async throws {
        _ = try await enter("submitRating")
    }

    public func verifyStaff(code: String) async throws -> StaffAssistant {
        guard let staff = try await enter("verifyStaff").staffCodes[code] else {
            throw HubProblem(status: 404, code: "staff-code-invalid", title: "Unknown or used staff code", retryable: false, requestId: nil)
        }
        return staff
    }

    public func heartbeat(_ beat: HubHeartbeat) async throws {
        if let refusal = try await enter("heartbeat", { $0.heartbeats.append(beat) }).heartbeatRefusal { throw refusal }
    }

    public func reportCardLeft(_ notice: HubCardLeftNotice) async throws {
        _ = try await enter("reportCardLeft") { $0.cardLeft.append(notice) }
    }

    public func kioskConfig(etag: String?) async throws -> KioskConfigAnswer {
        _ = try await enter("kioskConfig") { $0.configETags.append(etag) }
        return state.withLock { $0.0.configAnswers.isEmpty ? .notModified : $0.0.configAnswers.removeFirst() }
    }

    public func statusUpdates() -> AsyncStream<HubStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: HubStatus.self)
        status.withLock { status in
            continuation.yield(status.current)
            status.subscribers.append(continuation)
        }
        return stream
    }

    public func currentStatus() async -> HubStatus { status.withLock { $0.current } }

    public func shutdown() async {
        state.withLock { $0.1.shutDown = true }
        for continuation in status.withLock({ $0.subscribers }) { continuation.finish() }
    }

}
