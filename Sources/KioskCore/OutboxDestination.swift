/// Where the outbox delivers: the names the store keys its backlog by and the metrics label.
public enum OutboxDestination: String, Sendable, Codable, CaseIterable {
    case journal = "hub.journal"
    case ratings = "hub.ratings"
}

/// The hub client's request timer (swift-metrics), named here so that the exporter and the
/// client agree without the exporter linking the client.
public enum HubMetricNames {
    public static let requestDuration = "kioskd_hub_request_duration_seconds"
}
