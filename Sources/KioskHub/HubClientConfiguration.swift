import KioskCore

/// How the hub client behaves: where, who, how long, how often again, and with which keys.
public struct HubClientConfiguration: Sendable {
    public var baseURL: String
    public var kioskId: String
    public var connectTimeout: Duration = .seconds(3)
    public var requestTimeout: Duration = .seconds(5)
    /// Attempts for a safe (GET) or keyed (POST with Idempotency-Key) request; others get one.
    public var maxAttempts = 3
    public var backoffBase: Duration = .milliseconds(200)
    public var backoffMax: Duration = .seconds(2)
    /// The longest Retry-After the client honours before giving up on the call.
    public var retryAfterMax: Duration = .seconds(10)
    /// Larger answers are refused without being read to the end.
    public var maxResponseBytes = 1 << 20
    public var breakerFailures = 3
    public var breakerOpenFor: Duration = .seconds(10)
    /// mTLS: the kiosk's certificate and key (PEM), and the pinned CA that signs the hub's.
    public var clientCertificatePath: String?
    public var clientKeyPath: String?
    public var trustedCAPath: String?

    public init(baseURL: String, kioskId: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.kioskId = kioskId
    }
}

extension HubClientConfiguration {
    /// The hub client's settings from the kiosk configuration.
    public init(kiosk configuration: KioskConfiguration) {
        self.init(baseURL: configuration.hub.url, kioskId: configuration.kiosk.id)
        requestTimeout = .milliseconds(Int64(configuration.hub.timeoutSeconds * 1000))
        clientCertificatePath = configuration.hub.clientCertificate
        clientKeyPath = configuration.hub.clientKey
        trustedCAPath = configuration.hub.caCertificate
    }
}
