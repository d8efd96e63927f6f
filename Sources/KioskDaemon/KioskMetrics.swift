import Foundation
import KioskCore
import Metrics
import Prometheus
import Synchronization

/// Every metric kioskd exports, in one place, on a registry the caller owns: the
/// daemon's is the process registry swift-metrics is bootstrapped with; a test passes its own.
///
/// Labels carry only values from fixed sets (journal kinds, service ids, outcome words, device
/// roles), anything else becomes "other": a label value is kept for the life of the process
/// and sent to whoever scrapes, so nothing a citizen typed or owns may ever reach one.
public struct KioskMetrics: Sendable {
    /// The metric names (all `kioskd_`).
    public enum Name {
        public static let sessions = "kioskd_sessions_total"
        public static let services = "kioskd_services_total"
        public static let deviceFaults = "kioskd_device_faults_total"
        /// Documents and pages of completed print jobs (the print entry's `pages`).
        public static let documentsPrinted = "kioskd_documents_printed_total"
        public static let pagesPrinted = "kioskd_pages_printed_total"
        /// Recorded by the hub client through swift-metrics (KioskHub has no Prometheus).
        public static let hubRequestDuration = HubMetricNames.requestDuration
        public static let hubBreakerState = "kioskd_hub_breaker_state"
        public static let outboxBacklog = "kioskd_outbox_backlog"
        public static let configVersion = "kioskd_config_version"
        /// 1 while a device works (ok or degraded), 0 while it is failed.
        public static let deviceUp = "kioskd_device_up"
        /// Age of the oldest item not yet at the hub, per destination (0 when none).
        public static let outboxOldestPending = "kioskd_outbox_oldest_pending_seconds"
        public static let outOfService = "kioskd_out_of_service"
        public static let maintenance = "kioskd_maintenance"
        /// notAfter of each TLS certificate the kiosk uses, in Unix seconds.
        public static let certificateExpiry = "kioskd_certificate_expiry_timestamp_seconds"
    }

    /// Hub latency buckets: a healthy hub answers in tens of milliseconds; the request timeout
    /// is a few seconds.
    public static let hubLatencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public let registry: PrometheusCollectorRegistry
    private let breakerState: Prometheus.Gauge
    private let configVersion: Prometheus.Gauge

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        // The gauges exist from the start, so a scrape always sees them.
        breakerState = registry.makeGauge(
            descriptor: Self.descriptor(Name.hubBreakerState, "Hub circuit breaker: 0 up, 1 degraded, 2 down."))
        configVersion = registry.makeGauge(
            descriptor: Self.descriptor(Name.configVersion, "Applied configuration bundle version (0: the site file alone)."))
        for destination in Self.outboxDestinations { setOutboxBacklog(destination: destination, pending: 0) }
        // At 0 from the start, so the first card left after a restart is an increase to alert on.
        registry.makeCounter(
            descriptor: Self.descriptor(Name.deviceFaults, Self.deviceFaultsHelp),
            labels: [("device", MonitoredDevice.cardReader.rawValue), ("reason", "card-left-in-slot")])
    }

    // MARK: - Journal entries

    /// Counts what one journal entry (already in the store) says happened.
    public func observe(_ entry: JournalEntry) {
        switch entry.kind {
        case .sessionEnd:
            count(
                Name.sessions, "Citizen sessions ended, by why they ended.",
                [("outcome", Self.cap(entry.string("reason"), Self.sessionOutcomes))])
        case .serviceOutcome:
            count(
                Name.services, "Services finished, by service and outcome.",
                [
                    ("service", Self.cap(entry.string("service"), Self.services)),
                    ("outcome", Self.cap(entry.string("outcome"), Self.serviceOutcomes)),
                ])
        case .deviceFault:
            // A fault counts when it begins, once per reason; its end and its polls do not.
            guard entry.string("phase") != DeviceHealthBook.Change.Phase.ended.rawValue else { return }
            let device = Self.device(of: entry)
            let reasons = entry.string("newReasons").map { $0.split(separator: ",").map(String.init) } ?? [entry.string("fault") ?? "other"]
            for reason in reasons {
                count(
                    Name.deviceFaults, Self.deviceFaultsHelp,
                    [("device", device), ("reason", Self.cap(reason, Self.faultReasons))])
            }
        case .print:
            guard entry.string("state") == PrintJobState.completed.rawValue else { return }
            let role = [("role", Self.cap(entry.string("kind"), Self.printRoles))]
            count(Name.documentsPrinted, "Documents printed to the end, by printer role.", role)
            if case .int(let pages)? = entry.payload["pages"], pages > 0 {
                registry.makeCounter(descriptor: Self.descriptor(Name.pagesPrinted, "Pages printed, by printer role."), labels: role)
                    .increment(by: Int64(pages))
            }
        default:
            return
        }
    }

    // MARK: - Gauges

    public func setHubStatus(_ status: HubStatus) {
        let value: Double =
            switch status {
            case .up: 0
            case .degraded: 1
            case .down: 2
            }
        breakerState.set(to: value)
    }

    /// Items not yet at the hub, per outbox destination ("hub.journal", "hub.ratings").
    public func setOutboxBacklog(destination: String, pending: Int) {
        registry.makeGauge(
            descriptor: Self.descriptor(Name.outboxBacklog, "Journal records and ratings not yet delivered to the hub."),
            labels: [("destination", Self.cap(destination, Self.outboxDestinations))]
        ).set(to: Double(pending))
    }

    public func setConfigVersion(_ version: Int) { configVersion.set(to: Double(version)) }

    public func setDeviceUp(_ device: MonitoredDevice, _ up: Bool) {
        registry.makeGauge(
            descriptor: Self.descriptor(Name.deviceUp, "1 while the device works (ok or degraded), 0 while it is failed."),
            labels: [("device", device.rawValue)]
        ).set(to: up ? 1 : 0)
    }

    /// Seconds the oldest undelivered item of `destination` has waited (0: nothing waits).
    public func setOutboxOldestPending(destination: String, seconds: Double) {
        registry.makeGauge(
            descriptor: Self.descriptor(Name.outboxOldestPending, "Age of the oldest journal record or rating not yet at the hub."),
            labels: [("destination", Self.cap(destination, Self.outboxDestinations))]
        ).set(to: max(seconds, 0))
    }

    public func setKioskState(outOfService: Bool, maintenance: Bool) {
        registry.makeGauge(descriptor: Self.descriptor(Name.outOfService, "1 while the kiosk cannot serve citizens."))
            .set(to: outOfService ? 1 : 0)
        registry.makeGauge(descriptor: Self.descriptor(Name.maintenance, "1 while a technician has the kiosk in maintenance."))
            .set(to: maintenance ? 1 : 0)
    }

    /// `certificate` is one of hub-client, hub-ca, metrics.
    public func setCertificateExpiry(_ certificate: String, notAfter: Date) {
        registry.makeGauge(
            descriptor: Self.descriptor(Name.certificateExpiry, "When a TLS certificate the kiosk uses expires (notAfter), Unix seconds."),
            labels: [("certificate", Self.cap(certificate, Self.certificates))]
        ).set(to: notAfter.timeIntervalSince1970)
    }

    /// The registry in the text exposition format 0.0.4.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: - Process-wide swift-metrics

    private static let bootstrapped = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Points swift-metrics (the hub client's latency timer) at `registry`, once per process:
    /// `MetricsSystem.bootstrap` may run only once, and tests build many service groups in one
    /// process, so later calls do nothing and return false. Only `kioskd` calls it.
    @discardableResult
    public static func bootstrapOnce(_ registry: PrometheusCollectorRegistry) -> Bool {
        bootstrapped.withLock { current in
            guard current == nil else { return false }
            MetricsSystem.bootstrap(metricsFactory(registry))
            current = registry
            return true
        }
    }

    /// The swift-metrics factory over `registry`, with the hub latency buckets.
    public static func metricsFactory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Name.hubRequestDuration] = hubLatencyBuckets
        return factory
    }

    /// `bootstrapOnce` with a new registry (for `kioskd`, which does not import Prometheus).
    @discardableResult
    public static func bootstrapOnce() -> Bool { bootstrapOnce(PrometheusCollectorRegistry()) }

    /// The registry a citizen front exports: the bootstrapped one, or (no bootstrap, as in
    /// tests that build service groups) a fresh one of its own.
    static func daemonRegistry() -> PrometheusCollectorRegistry {
        bootstrapped.withLock { $0 } ?? PrometheusCollectorRegistry()
    }

    // MARK: - Label values

    static let sessionOutcomes: Set<String> = [
        "finished", "timed-out", "card-problem", "maintenance", "shutdown", "card-removed", "card-unreadable", "card-not-taken",
    ]
    static let services = Set(ServiceID.known.map(\.rawValue) + ["menu"])
    static let serviceOutcomes: Set<String> = {
        let base = [
            "shown", "shown-receipt", "printed", "receipt", "declined", "consent-declined", "cancelled", "timed-out", "failed",
            "pin-blocked", "passed", "failed-retryable", "failed-final", "refer-manual",
        ]
        let printed = ["printed", "shown-receipt", "receipt"].map { "\($0)-without-receipt" }
        let printStates = [
            "pending", "held", "processing", "stopped", "cancelled", "aborted", "completed", SessionMachine.uncertainPrintState,
        ]
        .map { "print-\($0)" }
        return Set(base + printed + printStates)
    }()
    static let outboxDestinations = Set(OutboxDestination.allCases.map(\.rawValue))
    static let printRoles: Set<String> = Set(PrinterRole.allCases.map(\.rawValue))
    static let devices: Set<String> = Set(MonitoredDevice.allCases.map(\.rawValue))
    /// Fault reasons a label may carry: the device monitor's own words and the IPP printer-state
    /// reasons printers commonly report (severity suffixes off).
    static let faultReasons: Set<String> = Set(
        [
            "card-left-in-slot", "gone", "no-service", "missing", "disk-low", "disk-full", "stopped", "paused", "offline",
            "render-failed", "capture-failed",
            "media-empty", "media-needed", "media-low", "media-jam", "door-open", "cover-open", "interlock-open",
            "input-tray-missing", "toner-empty", "toner-low", "marker-supply-empty", "marker-supply-low", "shutdown",
            "connecting-to-device", "timed-out", "other",
        ] + ProtectedDataProblem.allCases.map(\.rawValue))
    static let certificates: Set<String> = ["hub-client", "hub-ca", "metrics", "metrics-client-ca"]
    /// Faults journalled without a `device` field, by the device they belong to.
    static let faultDevices: [String: String] = ["card-left-in-slot": "card-reader"]

    static let deviceFaultsHelp = "Device faults that began, by device and reason."

    static func cap(_ value: String?, _ known: Set<String>) -> String {
        guard let value, known.contains(value) else { return "other" }
        return value
    }

    static func device(of entry: JournalEntry) -> String {
        if let device = entry.string("device") { return cap(device, devices) }
        return cap(entry.string("fault").flatMap { faultDevices[$0] }, devices)
    }

    private func count(_ name: String, _ help: String, _ labels: [(String, String)]) {
        registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels).increment()
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

extension JournalEntry {
    fileprivate func string(_ key: String) -> String? { payload[key]?.string }
}
