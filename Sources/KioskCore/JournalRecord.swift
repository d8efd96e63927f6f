/// The kiosk's electronic journal (全程留痕), as on an ATM: one record per thing that happened,
/// append-only, hash-chained, delivered to the hub exactly once. The session engine writes
/// `JournalEntry` values; the store gives each a sequence number, a time and its place in the
/// chain, and hands back the `JournalRecord`. Field rules and the canonical encoding:
/// docs/journal.md.
public enum JournalKind: String, Sendable, Codable, CaseIterable {
    case sessionStart = "session-start"
    case sessionEnd = "session-end"
    case cardRead = "card-read"
    case serviceOutcome = "service-outcome"
    case print = "print"
    /// A face capture happened (never the frames).
    case faceCapture = "face-capture"
    /// The captured frames were zeroed after the upload.
    case faceWipe = "face-wipe"
    case rating = "rating"
    case configChange = "config-change"
    case maintenance = "maintenance"
    case deviceFault = "device-fault"
}

/// A payload value: deliberately flat (no nesting, no floats) so the canonical encoding stays
/// exact in every language that has to recompute a hash.
public enum JournalValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)

    /// The text, when this value is one.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Integers a JSON number keeps exactly everywhere (IEEE double: ±(2^53 − 1)).
    public static let safeIntegers = -9_007_199_254_740_991...9_007_199_254_740_991

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .bool(let b): try c.encode(b)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): String(b)
        }
    }
}

/// What a caller asks the journal to record. Never personal data in clear: the citizen is a
/// `subjectRef` (a keyed hash made by the store's `SubjectKey`), shown values are masked.
public struct JournalEntry: Sendable, Equatable {
    public var kind: JournalKind
    public var sessionId: String?
    public var subjectRef: String?
    /// Masked fields as a screen or receipt showed them ("name": "张*").
    public var display: [String: String]
    /// Facts without personal data ("service": "participation-certificate", "outcome": "printed").
    public var payload: [String: JournalValue]

    public init(
        kind: JournalKind, sessionId: String? = nil, subjectRef: String? = nil, display: [String: String] = [:],
        payload: [String: JournalValue] = [:]
    ) {
        self.kind = kind
        self.sessionId = sessionId
        self.subjectRef = subjectRef
        self.display = display
        self.payload = payload
    }

    /// Why this entry may not be written, or nil. Keys are plain ASCII names so that every
    /// implementation sorts them the same way; no value may carry a full resident ID number.
    public func problem() -> String? {
        for key in Array(display.keys) + Array(payload.keys) where !JournalCanonical.isValidKey(key) {
            return "journal key '\(key)': 1–64 ASCII letters, digits, '.', '-' or '_'"
        }
        for case .int(let i) in payload.values where !JournalValue.safeIntegers.contains(i) {
            return "journal payload integer \(i) is outside ±(2^53 − 1)"
        }
        let texts = Array(display.values) + payload.values.compactMap(\.string)
        for text in texts + [sessionId, subjectRef].compactMap({ $0 }) where JournalEntry.containsResidentID(text) {
            return "a journal value holds a resident ID number; record the subjectRef and masked fields instead"
        }
        return nil
    }

    /// True when any run of 18 characters in `text` is a valid resident ID number. Runs on every
    /// append, so it works on bytes and computes the check character (ISO 7064 MOD 11-2) only
    /// after 17 digits in a row.
    static func containsResidentID(_ text: String) -> Bool {
        guard text.utf8.count >= 18 else { return false }
        let bytes = Array(text.utf8)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks = Array("10X98765432".utf8)
        var digits = 0
        for (i, byte) in bytes.enumerated() {
            if digits >= 17 {
                var sum = 0
                for k in 0..<17 { sum += Int(bytes[i - 17 + k] - 0x30) * weights[k] }
                let upper = byte == 0x78 ? 0x58 : byte
                if upper == checks[sum % 11] { return true }
            }
            digits = (0x30...0x39).contains(byte) ? digits + 1 : 0
        }
        return false
    }
}

/// A journal record as stored and as sent to the hub (`POST /v1/journal`).
public struct JournalRecord: Sendable, Equatable, Codable {
    public var kioskId: String
    /// 1, 2, 3… with no gap, never reused.
    public var seq: Int
    /// RFC 3339 UTC with milliseconds: "2025-03-01T08:30:00.123Z".
    public var time: String
    public var kind: JournalKind
    public var sessionId: String?
    public var subjectRef: String?
    public var display: [String: String]
    public var payload: [String: JournalValue]
    /// The previous record's hash; 64 zeros for the first record ever.
    public var prevHash: String
    /// Lowercase hex SHA-256 of `JournalCanonical.encode(self)`.
    public var hash: String

    public static let genesisHash = String(repeating: "0", count: 64)

    public init(
        kioskId: String, seq: Int, time: String, kind: JournalKind, sessionId: String?, subjectRef: String?,
        display: [String: String], payload: [String: JournalValue], prevHash: String, hash: String
    ) {
        self.kioskId = kioskId
        self.seq = seq
        self.time = time
        self.kind = kind
        self.sessionId = sessionId
        self.subjectRef = subjectRef
        self.display = display
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
    }
}
