import Foundation

/// The hub contract's payloads as the kiosk uses them (docs/hub-api.yaml). Amounts are fen
/// (integers), months YYYY-MM, dates YYYY-MM-DD, times RFC 3339 UTC.
public struct HubSubject: Sendable, Equatable, Codable {
    public var subjectRef: String
    /// Masked by the hub, the contract says; the kiosk masks it again before showing it.
    public var displayName: String
    /// active, suspended, lost, cancelled.
    public var cardStatus: String
    /// `essc` when the subject was resolved from an electronic social security card's token.
    public var credential: String?
    /// YYYY-MM-DD, when the hub sends it: a citizen without a card in the slot still gets the
    /// pace of their age.
    public var birthDate: String?

    public init(subjectRef: String, displayName: String, cardStatus: String, credential: String? = nil, birthDate: String? = nil) {
        self.subjectRef = subjectRef
        self.displayName = displayName
        self.cardStatus = cardStatus
        self.credential = credential
        self.birthDate = birthDate
    }
}

/// A hall worker whose one-time code the hub verified (帮办).
public struct StaffAssistant: Sendable, Equatable, Codable {
    /// The hub's reference for the worker, carried by every journal record of the session.
    public var staffRef: String
    /// The worker's name; the kiosk shows it masked.
    public var displayName: String
    public var validUntil: String?

    public init(staffRef: String, displayName: String, validUntil: String? = nil) {
        self.staffRef = staffRef
        self.displayName = displayName
        self.validUntil = validUntil
    }
}

public struct ContributionRow: Sendable, Equatable, Codable {
    public var month: String
    public var insurance: String
    public var base: Int
    public var personalAmount: Int
    public var employerAmount: Int
    public var employer: String
    public var status: String

    public init(month: String, insurance: String, base: Int, personalAmount: Int, employerAmount: Int, employer: String, status: String) {
        self.month = month
        self.insurance = insurance
        self.base = base
        self.personalAmount = personalAmount
        self.employerAmount = employerAmount
        self.employer = employer
        self.status = status
    }
}

public struct PensionPayment: Sendable, Equatable, Codable {
    public var month: String
    public var amount: Int
    public var bankMasked: String
    public var paidOn: String
}

public struct HubCertificate: Sendable, Equatable, Codable {
    public struct Holder: Sendable, Equatable, Codable {
        public var name: String
        public var ssn: String

        public init(name: String, ssn: String) {
            self.name = name
            self.ssn = ssn
        }
    }
    public struct Insurance: Sendable, Equatable, Codable {
        /// pension, medical, unemployment, work-injury, maternity
        public var insurance: String
        /// participating, suspended, terminated
        public var status: String
        public var paidMonths: Int
        public var from: String
        public var to: String?

        public init(insurance: String, status: String, paidMonths: Int, from: String, to: String?) {
            self.insurance = insurance
            self.status = status
            self.paidMonths = paidMonths
            self.from = from
            self.to = to
        }
    }
    public struct Employer: Sendable, Equatable, Codable {
        public var employer: String
        public var from: String
        public var to: String?

        public init(employer: String, from: String, to: String?) {
            self.employer = employer
            self.from = from
            self.to = to
        }
    }
    public var certificateNo: String
    public var kind: String
    public var months: Int
    public var holder: Holder
    public var insurances: [Insurance]
    public var employers: [Employer]
    public var rows: [ContributionRow]
    public var verificationCode: String
    public var verifyUrl: String
    public var issuedAt: String

    public init(
        certificateNo: String, kind: String, months: Int, holder: Holder, insurances: [Insurance], employers: [Employer],
        rows: [ContributionRow], verificationCode: String, verifyUrl: String, issuedAt: String
    ) {
        self.certificateNo = certificateNo
        self.kind = kind
        self.months = months
        self.holder = holder
        self.insurances = insurances
        self.employers = employers
        self.rows = rows
        self.verificationCode = verificationCode
        self.verifyUrl = verifyUrl
        self.issuedAt = issuedAt
    }
}

/// Consent to face verification: the text's version and its SHA-256, and when it was accepted.
public struct FaceConsent: Sendable, Equatable, Codable {
    public var version: String
    public var textSha256: String
    public var acceptedAt: String

    public init(version: String, textSha256: String, acceptedAt: String) {
        self.version = version
        self.textSha256 = textSha256
        self.acceptedAt = acceptedAt
    }
}

public struct VerificationSession: Sendable, Equatable, Codable {
    public struct Challenge: Sendable, Equatable, Codable {
        public var type: String
        public var value: String
    }
    public var sessionId: String
    public var challenge: Challenge
    public var expiresAt: String
    public var attemptsLeftToday: Int
}

public struct VerificationState: Sendable, Equatable, Codable {
    public struct Qualification: Sendable, Equatable, Codable {
        public var nextDueBy: String
        public var paymentSuspended: Bool
    }
    /// pending, processing, completed, expired, cancelled.
    public var status: String
    /// passed, failed-retryable, failed-final, refer-manual.
    public var decision: String?
    public var reasonCode: String?
    public var attemptsLeftToday: Int?
    public var qualification: Qualification?
    public var receiptNo: String?

    public var isFinal: Bool { ["completed", "expired", "cancelled"].contains(status) }
}

/// What the session engine sees of the hub connection: the breaker's state.
public enum HubStatus: String, Sendable, Equatable, Codable {
    /// Requests succeed.
    case up
    /// Recent failures; requests still go through.
    case degraded
    /// The breaker is open: calls fail fast until a probe succeeds.
    case down
}

/// A problem+json answer from the hub (RFC 9457), typed.
public struct HubProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var title: String
    public var retryable: Bool
    public var requestId: String?

    public init(status: Int, code: String, title: String, retryable: Bool, requestId: String?) {
        self.status = status
        self.code = code
        self.title = title
        self.retryable = retryable
        self.requestId = requestId
    }

    public var description: String { "hub \(status) \(code): \(title)" }
}

/// The heartbeat body (POST /v1/kiosks/{id}/status), field for field as the hub contract names
/// it: what the centre needs to see a kiosk's health without asking it anything.
public struct HubHeartbeat: Sendable, Equatable, Codable {
    public struct Maintenance: Sendable, Equatable, Codable {
        public var on: Bool
        public var reason: String?

        public init(on: Bool, reason: String?) {
            self.on = on
            self.reason = reason
        }

        // `reason` is written as null when there is none, so the keys never vary.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(on, forKey: .on)
            try c.encode(reason, forKey: .reason)
        }
    }

    /// RFC 3339 UTC: when the kiosk made this heartbeat.
    public var at: String
    public var softwareVersion: String
    /// The applied bundle's version; 0: the site file alone.
    public var configVersion: Int
    /// True while the kiosk cannot serve citizens (a configuration or store it cannot run on).
    public var outOfService: Bool
    public var maintenance: Maintenance
    /// The journal's last record, nil when the store could not say.
    public var journalHead: JournalHead?
    public var devices: [DeviceReport]

    public init(
        at: String, softwareVersion: String, configVersion: Int, outOfService: Bool, maintenance: Maintenance,
        journalHead: JournalHead?, devices: [DeviceReport]
    ) {
        self.at = at
        self.softwareVersion = softwareVersion
        self.configVersion = configVersion
        self.outOfService = outOfService
        self.maintenance = maintenance
        self.journalHead = journalHead
        self.devices = devices
    }

    // `journalHead` is written as null when the store could not say (the contract lists the key
    // on every heartbeat), so the keys never vary.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(softwareVersion, forKey: .softwareVersion)
        try c.encode(configVersion, forKey: .configVersion)
        try c.encode(outOfService, forKey: .outOfService)
        try c.encode(maintenance, forKey: .maintenance)
        try c.encode(journalHead, forKey: .journalHead)
        try c.encode(devices, forKey: .devices)
    }
}

/// A card stayed in the slot after its session; posted to the status endpoint.
public struct HubCardLeftNotice: Sendable, Equatable, Codable {
    public var event = "card-left"
    public var sessionId: String

    public init(sessionId: String) { self.sessionId = sessionId }
}

/// The hub's answer to GET /v1/kiosks/{id}/config.
public enum KioskConfigAnswer: Sendable, Equatable {
    /// A signed bundle, as bytes, and its ETag for the next If-None-Match.
    case bundle(Data, etag: String?)
    /// 304: the bundle named by the ETag is still the newest.
    case notModified
    /// 404: no bundle for this kiosk.
    case none
}
