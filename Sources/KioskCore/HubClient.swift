/// The hub as the rest of the kiosk sees it. The adapter (KioskHub) speaks HTTPS; tests of
/// logic use a fake.
public protocol HubClient: Sendable {
    /// GET /v1/health: the hub's own word that it is alive, and its clock.
    func health() async throws -> HubHealth
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
