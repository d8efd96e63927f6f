import Crypto
import Foundation

/// Everything the reference hub remembers: citizens, verification sessions, the idempotency
/// store, the journal and ratings sinks, heartbeats, config bundles, and the fault scenario.
actor HubState {
    struct StoredResponse: Sendable {
        var bodyDigest: String
        var status: Int
        var body: Data
        var contentType: String
    }

    struct Session: Sendable {
        var id: String
        var subjectRef: String
        var purpose: String
        var status: String  // pending, processing, completed, expired, cancelled
        var decision: String?
        var reasonCode: String?
        var createdAt: Date
        var expiresAt: Date
        var decideAt: Date?
        var receiptNo: String?
    }

    struct JournalEntry: Sendable {
        var seq: Int
        var hash: String
        var prevHash: String
        var json: Data
    }

    let citizens: [String: SeedCitizen]  // by subjectRef
    private let secret = SymmetricKey(data: Array("kiosk-hub-sim subject key".utf8))
    private(set) var scenario = Scenario()
    private var idempotency: [String: StoredResponse] = [:]
    private var sessions: [String: Session] = [:]
    private var attemptsToday: [String: Int] = [:]
    private(set) var journal: [String: [Int: JournalEntry]] = [:]
    private(set) var ratings: [String: Data] = [:]
    private(set) var heartbeats: [String: Data] = [:]
    private(set) var kioskEvents: [String: [Data]] = [:]
    /// Certificates issued, by verification code: who asked for it and when.
    private var certificates: [String: (kioskId: String?, issuedAt: String)] = [:]
    private var configs: [String: (etag: String, body: Data)] = [:]
    private(set) var requestLog: [String] = []
    /// Electronic social security card codes minted on `/sim/essc-tokens`: whose, and until when.
    private var esscTokens: [String: (ref: String, expires: Date)] = [:]
    /// Hall workers' one-time codes not used yet, by code.
    private var staffCodes: [String: SeedStaffCode] = [:]
    private let seededStaffCodes: [SeedStaffCode]

    init(seed: HubSeed) {
        seededStaffCodes = seed.staffCodes ?? []
        staffCodes = Self.byCode(seededStaffCodes)
        var byRef: [String: SeedCitizen] = [:]
        let key = SymmetricKey(data: Array("kiosk-hub-sim subject key".utf8))
        for c in seed.citizens { byRef[Self.subjectRef(ssn: c.ssn, key: key)] = c }
        citizens = byRef
    }

    static func subjectRef(ssn: String, key: SymmetricKey) -> String {
        "S" + HMAC<SHA256>.authenticationCode(for: Array(ssn.utf8), using: key).prefix(10).map { String(format: "%02x", $0) }.joined()
    }

    func resolve(ssn: String, cardNumber: String, cardIdentifier: String) -> (String, SeedCitizen)? {
        let ref = Self.subjectRef(ssn: ssn, key: secret)
        guard let c = citizens[ref], c.cardNumber == cardNumber, c.cardIdentifier.uppercased() == cardIdentifier.uppercased() else {
            return nil
        }
        return (ref, c)
    }

    enum ESSCAnswer { case citizen(String, SeedCitizen), expired, unknown }

    func resolve(esscToken: String) -> ESSCAnswer {
        guard let entry = esscTokens[esscToken], let c = citizens[entry.ref] else { return .unknown }
        return entry.expires < .now ? .expired : .citizen(entry.ref, c)
    }

    /// A code for the citizen of `profile` (the virtual card's profile name), valid `seconds`
    /// (negative: already expired); nil for an unknown profile.
    func mintESSCToken(profile: String, seconds: Int) -> (token: String, expires: Date)? {
        guard let (ref, _) = citizens.first(where: { $0.value.profile == profile }) else { return nil }
        // Shaped like a real code: opaque printable ASCII, a few hundred characters at most.
        let token = "ESSC1." + UUID().uuidString.replacingOccurrences(of: "-", with: "") + "." + String(ref.suffix(8))
        let expires = Date.now.addingTimeInterval(TimeInterval(seconds))
        esscTokens[token] = (ref, expires)
        return (token, expires)
    }

    // MARK: scenario and request log

    func log(_ line: String) { requestLog.append(line) }
    func setScenario(_ s: Scenario) { scenario = s }
    func takeFault() -> Scenario.Fault? { scenario.takeFault() }

    func reset() {
        scenario = Scenario()
        idempotency = [:]
        sessions = [:]
        attemptsToday = [:]
        journal = [:]
        ratings = [:]
        heartbeats = [:]
        kioskEvents = [:]
        certificates = [:]
        requestLog = []
        staffCodes = Self.byCode(seededStaffCodes)
        esscTokens = [:]
    }

    // MARK: staff codes

    /// The worker of a one-time code, which is used up; nil for an unknown or used code.
    func useStaffCode(_ code: String) -> SeedStaffCode? { staffCodes.removeValue(forKey: code) }
    func addStaffCode(_ code: SeedStaffCode) { staffCodes[code.code] = code }

    static func byCode(_ codes: [SeedStaffCode]) -> [String: SeedStaffCode] {
        Dictionary(codes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: idempotency

    func stored(key: String) -> StoredResponse? { idempotency[key] }
    func store(key: String, _ response: StoredResponse) { idempotency[key] = response }

    // MARK: verification sessions

    func createSession(subjectRef: String, purpose: String, now: Date) -> (Session, Int)? {
        let used = attemptsToday[subjectRef, default: 0]
        guard used < 3 else { return nil }
        attemptsToday[subjectRef] = used + 1
        let ttl: TimeInterval = scenario.expireSessions ? 0 : 120
        let s = Session(
            id: UUID().uuidString.lowercased(), subjectRef: subjectRef, purpose: purpose, status: "pending", createdAt: now,
            expiresAt: now.addingTimeInterval(ttl))
        sessions[s.id] = s
        return (s, 3 - used - 1)
    }

    func attemptsLeft(_ subjectRef: String) -> Int { max(0, 3 - attemptsToday[subjectRef, default: 0]) }

    func session(_ id: String, now: Date) -> Session? {
        guard var s = sessions[id] else { return nil }
        if ["pending", "processing"].contains(s.status) && now >= s.expiresAt {
            s.status = "expired"
            s.reasonCode = "session-expired"
        }
        if s.status == "processing", let at = s.decideAt, now >= at {
            let face = scenario.face ?? citizens[s.subjectRef]?.face ?? "passed"
            s.status = "completed"
            if face == "passed" {
                s.decision = "passed"
                s.receiptNo = "RZ" + String(Int(now.timeIntervalSince1970))
            } else {
                s.decision =
                    ["face-mismatch", "liveness-failed", "quality-insufficient"].contains(face)
                    ? "failed-retryable"
                    : face == "source-unavailable" ? "refer-manual" : "failed-final"
                s.reasonCode = face
            }
        }
        sessions[id] = s
        return s
    }

    func submitEvidence(_ id: String, now: Date) -> Session? {
        guard var s = session(id, now: now), s.status == "pending" else { return sessions[id] }
        s.status = "processing"
        s.decideAt = now.addingTimeInterval(Double(scenario.decisionDelayMs) / 1000)
        sessions[id] = s
        return s
    }

    func cancelSession(_ id: String) -> Session? {
        guard var s = sessions[id] else { return nil }
        if ["pending", "processing"].contains(s.status) { s.status = "cancelled" }
        sessions[id] = s
        return s
    }

    // MARK: journal, ratings, heartbeats, config

    enum JournalVerdict { case ok, conflict(String) }

    func append(kioskId: String, seq: Int, hash: String, prevHash: String, json: Data) -> JournalVerdict {
        // Looked up and stored in place, never through a local copy of the kiosk's entries: a copy
        // alive at the store is copied whole for every record (quadratic: 20,000 records took
        // half a minute).
        if let existing = journal[kioskId]?[seq] {
            return existing.hash == hash ? .ok : .conflict("seq \(seq) is stored with another hash")
        }
        if let previous = journal[kioskId]?[seq - 1], previous.hash != prevHash {
            return .conflict("record \(seq) does not link to record \(seq - 1)")
        }
        if let next = journal[kioskId]?[seq + 1], next.prevHash != hash {
            return .conflict("record \(seq) does not link to record \(seq + 1)")
        }
        journal[kioskId, default: [:]][seq] = JournalEntry(seq: seq, hash: hash, prevHash: prevHash, json: json)
        return .ok
    }

    /// The highest seq up to which every record is stored (from the lowest stored one).
    func highestContiguousSeq(kioskId: String) -> Int {
        let entries = journal[kioskId, default: [:]]
        guard var seq = entries.keys.min() else { return 0 }
        while entries[seq + 1] != nil { seq += 1 }
        return seq
    }

    func rate(transactionId: String, json: Data) -> Bool {
        if ratings[transactionId] != nil { return false }
        ratings[transactionId] = json
        return true
    }

    func heartbeat(kioskId: String, json: Data) { heartbeats[kioskId] = json }

    func journalRecord(kioskId: String, seq: Int) -> JournalEntry? { journal[kioskId]?[seq] }

    func recordCertificate(code: String, kioskId: String?, issuedAt: String) { certificates[code] = (kioskId, issuedAt) }

    func issuedCertificate(_ code: String) -> (kioskId: String?, issuedAt: String)? { certificates[code] }

    /// Kiosk events sent to the status endpoint (a card left in the slot), in arrival order.
    func kioskEvent(kioskId: String, json: Data) { kioskEvents[kioskId, default: []].append(json) }

    func publishConfig(kioskId: String, body: Data) -> String {
        let etag = "\"" + SHA256.hash(data: body).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
        configs[kioskId] = (etag, body)
        return etag
    }

    func config(kioskId: String) -> (etag: String, body: Data)? { configs[kioskId] }
}
