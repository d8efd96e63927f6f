/// The fault scenario the tests set through POST /sim/scenario: added latency, and faults for
/// the next N requests to /v1 (health excluded unless `includeHealth`).
struct Scenario: Codable, Sendable {
    enum Fault: String, Codable, Sendable {
        case serverError = "5xx"
        case rateLimited = "429"
        case malformedJSON = "malformed-json"
        case dropConnection = "drop"
        /// The request takes effect, then the connection drops before the answer: the client
        /// cannot know the hub has it (what idempotency keys are for).
        case dropAfterStoring = "drop-after"
        case wrongContentType = "wrong-content-type"
        case invalidUTF8 = "invalid-utf8"
        case hugeBody = "huge-body"
    }

    var latencyMs: Int = 0
    /// Each request's latency is `latencyMs` give or take up to this, drawn per request.
    var jitterMs: Int = 0
    var fault: Fault?
    /// How many requests the fault applies to (then it clears itself); -1 = until reset.
    var count: Int = 1
    var retryAfterSeconds: Int = 1
    var includeHealth = false
    /// Face decision for every session (`passed` or a reasonCode), overriding the seed.
    var face: String?
    var expireSessions = false
    var decisionDelayMs = 300

    init() {}

    // Every key is optional in a request: missing ones keep their defaults.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        jitterMs = try c.decodeIfPresent(Int.self, forKey: .jitterMs) ?? 0
        fault = try c.decodeIfPresent(Fault.self, forKey: .fault)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1
        includeHealth = try c.decodeIfPresent(Bool.self, forKey: .includeHealth) ?? false
        face = try c.decodeIfPresent(String.self, forKey: .face)
        expireSessions = try c.decodeIfPresent(Bool.self, forKey: .expireSessions) ?? false
        decisionDelayMs = try c.decodeIfPresent(Int.self, forKey: .decisionDelayMs) ?? 300
    }

    var latency: HubLatency { HubLatency(milliseconds: latencyMs, jitterMilliseconds: jitterMs) }

    mutating func takeFault() -> Fault? {
        guard let fault, count != 0 else { return nil }
        if count > 0 { count -= 1 }
        if count == 0 { self.fault = nil }
        return fault
    }
}
