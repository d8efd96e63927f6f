import AsyncHTTPClient
import Foundation
import KioskCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The hub over HTTP(S) (docs/hub-contract.md, docs/hub-api.yaml).
///
/// Every request carries `X-Kiosk-Id` and an `X-Request-Id` that every log line about it names;
/// POSTs carry an `Idempotency-Key`. Only safe or keyed requests are retried, with exponential
/// backoff and jitter, honouring `Retry-After`. A circuit breaker (HubBreaker) turns a dead hub
/// into fast failures and publishes up/degraded/down. Answers larger than the limit are refused
/// before they are read; a body that is not the contract's JSON is an error, never a guess.
/// Nothing personal is logged: paths carry only the pseudonymous subjectRef.
public final class HTTPHubClient: HubClient, Sendable {
    public let configuration: HubClientConfiguration
    let http: HTTPClient
    /// Where requests run: the event loop of every connection `http` opens.
    let executor: EventLoopTaskExecutor
    let loggerCopy: Logger
    private let breaker: BreakerStore

    public init(_ configuration: HubClientConfiguration, logger: Logger = Logger(label: "kioskd.hub")) throws {
        self.configuration = configuration
        self.loggerCopy = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = configuration.trustedCAPath {
            // Pinned: only this CA, not the system's, may vouch for the hub.
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        if let cert = configuration.clientCertificatePath, let key = configuration.clientKeyPath {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        var http = HTTPClient.Configuration(tlsConfiguration: tls)
        // No idle-read timeout: each request's deadline (`requestTimeout`) already covers the
        // whole exchange, and the idle timer would cost a schedule and a cancel on every read.
        http.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        http.redirectConfiguration = .disallow
        // A refused connection fails the attempt at once: the client's own retries, backoff and
        // breaker decide what comes next. Left to the library, every attempt against a dead hub
        // would wait out the whole request timeout while it reconnected.
        http.connectionPool.retryConnectionEstablishment = false
        // One event loop for the hub: a kiosk has a handful of requests in flight at most, and
        // with every connection on one loop the requests can run on it too (see `send`). One of
        // NIO's shared loops: a loop of its own costs kioskd idle memory (a thread and its
        // buffers), and an idle kioskd is kept within 40 MB (`scripts/bench flow` measures it).
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        self.executor = EventLoopTaskExecutor(loop)
        self.http = HTTPClient(eventLoopGroupProvider: .shared(loop), configuration: http)
        breaker = BreakerStore(HubBreaker(failureThreshold: configuration.breakerFailures, openFor: configuration.breakerOpenFor))
    }

    /// Closes the connections; call once when done with the client.
    public func shutdown() async {
        try? await http.shutdown()
    }

    public func statusUpdates() -> AsyncStream<HubStatus> { breaker.updates() }
    public func currentStatus() async -> HubStatus { breaker.status }
    func breakerAllows() async -> Bool { breaker.allow() }
    func recordSuccess() async { breaker.success() }
    func recordFailure() async { breaker.failure() }
    func recordAbandoned() async { breaker.abandoned() }

    // MARK: the contract

    public func health() async throws -> HubHealth {
        let started = ContinuousClock.now
        struct Body: Decodable { var status: String; var time: String }
        let body: Body = try await call(.GET, "/v1/health")
        return HubHealth(status: body.status, time: body.time, latencyMs: (ContinuousClock.now - started).milliseconds)
    }

    public func resolveSubject(ssn: String, cardNumber: String, cardIdentifier: String) async throws -> HubSubject {
        struct In: Encodable { var ssn: String; var cardNumber: String; var cardIdentifier: String }
        return try await call(.POST, "/v1/subjects/resolve", body: In(ssn: ssn, cardNumber: cardNumber, cardIdentifier: cardIdentifier))
    }

    public func resolveSubject(esscToken: String) async throws -> HubSubject {
        struct In: Encodable { var esscToken: String }
        // The token is the citizen's credential for as long as it lives: never in a log line.
        return try await call(.POST, "/v1/subjects/resolve", body: In(esscToken: esscToken), sensitive: true)
    }

    public func contributions(subjectRef: String, from: String, to: String) async throws -> [ContributionRow] {
        struct Out: Decodable { var rows: [ContributionRow] }
        let out: Out = try await call(.GET, "/v1/subjects/\(escape(subjectRef))/contributions?from=\(escape(from))&to=\(escape(to))")
        return out.rows
    }

    public func pensionPayments(subjectRef: String, year: Int) async throws -> [PensionPayment] {
        struct Out: Decodable { var rows: [PensionPayment] }
        let out: Out = try await call(.GET, "/v1/subjects/\(escape(subjectRef))/pension-payments?year=\(year)")
        return out.rows
    }

    public func issueCertificate(subjectRef: String, months: Int, idempotencyKey: String) async throws -> HubCertificate {
        struct In: Encodable { var kind = "participation"; var months: Int }
        return try await call(.POST, "/v1/subjects/\(escape(subjectRef))/certificates", body: In(months: months), key: idempotencyKey)
    }

    public func createVerificationSession(purpose: String, subjectRef: String, consent: FaceConsent) async throws -> VerificationSession {
        struct In: Encodable { var purpose: String; var subjectRef: String; var consent: FaceConsent }
        return try await call(.POST, "/v1/verification-sessions", body: In(purpose: purpose, subjectRef: subjectRef, consent: consent))
    }

    public func submitEvidence(sessionId: String, frames: [[UInt8]]) async throws -> Int {
        struct Meta: Encodable { var frameCount: Int; var camera = "kiosk" }
        struct In: Encodable { var frames: [String]; var captureMeta: Meta }
        struct Out: Decodable { var status: String; var pollAfterMs: Int? }
        // The base64 copies live only inside this call; the encoder's buffer is released with it.
        let body = In(frames: frames.map { Data($0).base64EncodedString() }, captureMeta: Meta(frameCount: frames.count))
        let out: Out = try await call(.POST, "/v1/verification-sessions/\(escape(sessionId))/evidence", body: body, sensitive: true)
        return out.pollAfterMs ?? 500
    }

    public func verificationState(sessionId: String) async throws -> VerificationState {
        try await call(.GET, "/v1/verification-sessions/\(escape(sessionId))")
    }

    public func cancelVerification(sessionId: String) async throws {
        struct Empty: Codable {}
        let _: VerificationState = try await call(.POST, "/v1/verification-sessions/\(escape(sessionId))/cancel", body: Empty())
    }

    public func submitRating(transactionId: String, service: String, score: Int, comment: String?) async throws {
        struct In: Encodable { var transactionId: String; var service: String; var score: Int; var comment: String? }
        struct Out: Decodable { var transactionId: String }
        // Keyed by the transaction: a retry after a lost answer can never count a rating twice.
        let _: Out = try await call(
            .POST, "/v1/ratings", body: In(transactionId: transactionId, service: service, score: score, comment: comment),
            key: IdempotencyKey.named("rating-" + transactionId))
    }

    public func verifyStaff(code: String) async throws -> StaffAssistant {
        struct In: Encodable { var code: String }
        // The code is a credential: never in a log line, like a PIN.
        return try await call(.POST, "/v1/staff/verify", body: In(code: code), sensitive: true)
    }

    /// POST /v1/journal with records already encoded by the journal (the hash covers their
    /// canonical form, so they are sent as they are). Returns highestContiguousSeq.
    public func postJournal(recordsJSON: [Data], key: String) async throws -> Int {
        struct Out: Decodable { var highestContiguousSeq: Int }
        var body = Data("{\"records\":[".utf8)
        for (i, r) in recordsJSON.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(r)
        }
        body.append(contentsOf: Array("]}".utf8))
        let out: Out = try await send(.POST, "/v1/journal", body: body, key: key, sensitive: false)
        return out.highestContiguousSeq
    }

    public func heartbeat(_ beat: HubHeartbeat) async throws {
        try await postStatus(beat)
    }

    public func reportCardLeft(_ notice: HubCardLeftNotice) async throws {
        try await postStatus(notice)
    }

    /// POST /v1/kiosks/{id}/status: heartbeats and kiosk events share the endpoint.
    private func postStatus(_ body: some Encodable & Sendable) async throws {
        let _: HeartbeatReceipt = try await call(.POST, "/v1/kiosks/\(escape(configuration.kioskId))/status", body: body)
    }

    // MARK: transport

    private func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&="))) ?? s
    }

    private func call<Out: Decodable>(_ method: HTTPMethod, _ path: String) async throws -> Out {
        try await send(method, path, body: nil, key: nil, sensitive: false)
    }

    private func call<Out: Decodable>(
        _ method: HTTPMethod, _ path: String, body: some Encodable, key: String? = nil, sensitive: Bool = false
    ) async throws -> Out {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return try await send(method, path, body: data, key: key ?? UUID().uuidString, sensitive: sensitive)
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// The status endpoint's answer `{receivedAt, configEtag}`; neither is needed, both are tolerated missing.
struct HeartbeatReceipt: Decodable {
    var receivedAt: String?
    var configEtag: String?
}

extension HTTPHubClient {
    public func kioskConfig(etag: String?) async throws -> KioskConfigAnswer {
        guard await breakerAllows() else {
            throw KioskError(.hubUnavailable, "the hub at \(configuration.baseURL) is marked down after repeated failures")
        }
        let (status, headers, body) = try await withTaskExecutorPreference(executor) {
            do {
                return try await exchange(
                    .GET, "/v1/kiosks/\(configuration.kioskId)/config", body: nil, key: nil, requestId: UUID().uuidString,
                    headers: etag.map { [("If-None-Match", $0)] } ?? [])
            } catch {
                throw try await settle(error)
            }
        }
        await status.code >= 500 ? recordFailure() : recordSuccess()
        switch status.code {
        case 200: return .bundle(body, etag: headers.first(name: "ETag"))
        case 304: return .notModified
        case 404: return .none
        default:
            throw (try? JSONDecoder().decode(HubProblem.self, from: body))
                ?? HubProblem(
                    status: Int(status.code), code: "http-\(status.code)", title: "config", retryable: false,
                    requestId: nil)
        }
    }
}
