import Foundation
import KioskCore
import KioskHub
import Metrics
import Prometheus
import Testing

@testable import KioskDaemon

/// The Prometheus series kioskd exports, each on a registry of the test's own (no
/// process-wide swift-metrics bootstrap here).
@Suite struct KioskMetricsTests {
    private func lines(_ metrics: KioskMetrics) -> Set<String> {
        Set(String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init))
    }

    @Test func sessionsAndServicesAreCountedByOutcome() {
        let metrics = KioskMetrics(registry: PrometheusCollectorRegistry())
        for reason in ["card-removed", "card-removed", "finished"] {
            metrics.observe(JournalEntry(kind: .sessionEnd, sessionId: "s1", payload: ["reason": .string(reason)]))
        }
        metrics.observe(
            JournalEntry(
                kind: .serviceOutcome, payload: ["service": .string("participation-certificate"), "outcome": .string("printed")]))
        metrics.observe(JournalEntry(kind: .serviceOutcome, payload: ["service": .string("menu"), "outcome": .string("timed-out")]))
        metrics.observe(
            JournalEntry(kind: .serviceOutcome, payload: ["service": .string("pension-payments"), "outcome": .string("print-aborted")]))
        // Kinds without a counter change nothing.
        metrics.observe(JournalEntry(kind: .rating, payload: ["service": .string("card-status"), "score": .int(5)]))

        let out = lines(metrics)
        #expect(out.contains(#"kioskd_sessions_total{outcome="card-removed"} 2"#), "\(out)")
        #expect(out.contains(#"kioskd_sessions_total{outcome="finished"} 1"#))
        #expect(out.contains(#"kioskd_services_total{service="participation-certificate",outcome="printed"} 1"#))
        #expect(out.contains(#"kioskd_services_total{service="menu",outcome="timed-out"} 1"#))
        #expect(out.contains(#"kioskd_services_total{service="pension-payments",outcome="print-aborted"} 1"#))
        #expect(out.contains("# TYPE kioskd_sessions_total counter"))
        #expect(!out.contains { $0.contains("card-status") })
    }

    @Test func nothingPersonalOrUnknownBecomesALabel() {
        let metrics = KioskMetrics(registry: PrometheusCollectorRegistry())
        metrics.observe(
            JournalEntry(
                kind: .sessionEnd, sessionId: "sess-42", subjectRef: String(repeating: "ab", count: 32), display: ["name": "张*"],
                payload: ["reason": .string("张三 11010519491231002X")]))
        metrics.observe(
            JournalEntry(
                kind: .serviceOutcome, payload: ["service": .string("/v1/subjects/ref-123"), "outcome": .string("13800138000")]))
        metrics.observe(JournalEntry(kind: .deviceFault, payload: ["device": .string("张三的读卡器"), "fault": .string("jam")]))
        metrics.observe(JournalEntry(kind: .print, payload: ["kind": .string("11010519491231002X"), "state": .string("completed")]))

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        for secret in ["张", "11010519491231002X", "ref-123", "13800138000", "sess-42", "abab", "jam"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        let out = lines(metrics)
        #expect(out.contains(#"kioskd_sessions_total{outcome="other"} 1"#), "\(out)")
        #expect(out.contains(#"kioskd_services_total{service="other",outcome="other"} 1"#))
        #expect(out.contains(#"kioskd_device_faults_total{device="other",reason="other"} 1"#))
        #expect(out.contains(#"kioskd_documents_printed_total{role="other"} 1"#))
    }

    @Test func faultsArePerDeviceAndOnlyFinishedPrintsCount() {
        let metrics = KioskMetrics(registry: PrometheusCollectorRegistry())
        metrics.observe(JournalEntry(kind: .deviceFault, payload: ["fault": .string("card-left-in-slot"), "seconds": .int(90)]))
        metrics.observe(JournalEntry(kind: .deviceFault, payload: ["device": .string("receipt-printer"), "fault": .string("x")]))
        for state in ["completed", "completed", "aborted", "cancelled"] {
            metrics.observe(
                JournalEntry(kind: .print, payload: ["kind": .string("certificate"), "jobId": .int(3), "state": .string(state)]))
        }
        metrics.observe(
            JournalEntry(kind: .print, payload: ["kind": .string("receipt"), "state": .string("completed"), "pages": .int(2)]))

        let out = lines(metrics)
        #expect(out.contains(#"kioskd_device_faults_total{device="card-reader",reason="card-left-in-slot"} 1"#), "\(out)")
        #expect(out.contains(#"kioskd_device_faults_total{device="receipt-printer",reason="other"} 1"#))
        #expect(out.contains(#"kioskd_documents_printed_total{role="certificate"} 2"#))
        #expect(out.contains(#"kioskd_documents_printed_total{role="receipt"} 1"#))
        #expect(out.contains(#"kioskd_pages_printed_total{role="receipt"} 2"#))
        #expect(!out.contains { $0.hasPrefix(#"kioskd_pages_printed_total{role="certificate"}"#) })
    }

    @Test func aFaultCountsOnceWhenItBeginsPerNewReasonAndTheGaugeFollowsTheDevice() {
        let metrics = KioskMetrics(registry: PrometheusCollectorRegistry())
        var book = DeviceHealthBook()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let readings: [(DeviceState, [String])] = [
            (.ok, []), (.failed, ["media-empty"]), (.failed, ["media-empty"]), (.failed, ["media-empty", "door-open"]), (.ok, []),
        ]
        for (offset, (state, reasons)) in readings.enumerated() {
            if let change = book.observe(.a4Printer, state: state, reasons: reasons, at: start + Double(offset)) {
                metrics.observe(JournalEntry.deviceFault(change))
            }
            metrics.setDeviceUp(.a4Printer, book.state(of: .a4Printer).isUp)
            if offset == 1 { #expect(lines(metrics).contains(#"kioskd_device_up{device="a4-printer"} 0.0"#), "\(lines(metrics))") }
        }
        let out = lines(metrics)
        #expect(out.contains(#"kioskd_device_faults_total{device="a4-printer",reason="media-empty"} 1"#), "\(out)")
        #expect(out.contains(#"kioskd_device_faults_total{device="a4-printer",reason="door-open"} 1"#))
        #expect(out.contains(#"kioskd_device_up{device="a4-printer"} 1.0"#))
        // The first card left after a start is an increase from 0, not a new series.
        #expect(out.contains(#"kioskd_device_faults_total{device="card-reader",reason="card-left-in-slot"} 0"#))
    }

    @Test func gaugesExistFromTheStartAndFollowTheirSetters() {
        let metrics = KioskMetrics(registry: PrometheusCollectorRegistry())
        var out = lines(metrics)
        #expect(out.contains("kioskd_hub_breaker_state 0.0"), "\(out)")
        #expect(out.contains("kioskd_config_version 0.0"))
        #expect(out.contains(#"kioskd_outbox_backlog{destination="hub.journal"} 0.0"#))
        #expect(out.contains(#"kioskd_outbox_backlog{destination="hub.ratings"} 0.0"#))

        metrics.setHubStatus(.down)
        metrics.setConfigVersion(7)
        metrics.setOutboxBacklog(destination: "hub.journal", pending: 12)
        out = lines(metrics)
        #expect(out.contains("kioskd_hub_breaker_state 2.0"), "\(out)")
        #expect(out.contains("kioskd_config_version 7.0"))
        #expect(out.contains(#"kioskd_outbox_backlog{destination="hub.journal"} 12.0"#))
        metrics.setHubStatus(.degraded)
        #expect(lines(metrics).contains("kioskd_hub_breaker_state 1.0"))
    }

    /// The hub client's swift-metrics Timer lands in the same registry as a histogram labelled
    /// with the path template; a second KioskMetrics on that registry (a new front) is fine.
    @Test func hubLatencyIsAHistogramByEndpointTemplate() {
        let registry = PrometheusCollectorRegistry()
        let metrics = KioskMetrics(registry: registry)
        let factory = KioskMetrics.metricsFactory(registry)
        let endpoint = HTTPHubClient.endpointTemplate("/v1/subjects/ab12/contributions?from=2020-01&to=2020-12")
        Timer(label: KioskMetrics.Name.hubRequestDuration, dimensions: [("endpoint", endpoint)], factory: factory)
            .record(duration: .milliseconds(40))
        _ = KioskMetrics(registry: registry)

        let out = lines(metrics)
        let series = #"kioskd_hub_request_duration_seconds_bucket{endpoint="/v1/subjects/{subjectRef}/contributions",le="#
        #expect(out.contains(series + #""0.025"} 0"#), "\(out)")
        #expect(out.contains(series + #""0.05"} 1"#))
        #expect(out.contains(series + #""+Inf"} 1"#))
        #expect(out.contains(#"kioskd_hub_request_duration_seconds_count{endpoint="/v1/subjects/{subjectRef}/contributions"} 1"#))
        #expect(out.contains("# TYPE kioskd_hub_request_duration_seconds histogram"))
    }

    @Test func endpointTemplatesHideIdentifiers() {
        #expect(HTTPHubClient.endpointTemplate("/v1/health") == "/v1/health")
        #expect(HTTPHubClient.endpointTemplate("/v1/subjects/resolve") == "/v1/subjects/resolve")
        #expect(HTTPHubClient.endpointTemplate("/v1/subjects/x%2Fy/certificates") == "/v1/subjects/{subjectRef}/certificates")
        #expect(
            HTTPHubClient.endpointTemplate("/v1/subjects/r1/pension-payments?year=2024") == "/v1/subjects/{subjectRef}/pension-payments")
        #expect(HTTPHubClient.endpointTemplate("/v1/verification-sessions/vs-9") == "/v1/verification-sessions/{sessionId}")
        #expect(HTTPHubClient.endpointTemplate("/v1/verification-sessions/vs-9/cancel") == "/v1/verification-sessions/{sessionId}/cancel")
        #expect(HTTPHubClient.endpointTemplate("/v1/kiosks/K-1/status") == "/v1/kiosks/{kioskId}/status")
        #expect(HTTPHubClient.endpointTemplate("/v1/journal") == "/v1/journal")
        #expect(HTTPHubClient.endpointTemplate("/v1/subjects/11010519491231002X") == "other")
        #expect(HTTPHubClient.endpointTemplate("/admin") == "other")
        #expect(HTTPHubClient.endpointTemplate("") == "other")
    }

    @Test func theEndpointListensOnLoopbackOnly() throws {
        #expect(try MetricsService.address("127.0.0.1:9464") == ("127.0.0.1", 9464))
        #expect(try MetricsService.address("[::1]:9100") == ("::1", 9100))
        #expect(try MetricsService.address("localhost:0") == ("localhost", 0))
        for refused in ["0.0.0.0:9464", "192.168.1.5:9464", ":9464", "[::]:9464", "127.0.0.1", "hub.example:80"] {
            #expect(throws: KioskError.self, "\(refused)") { try MetricsService.address(refused) }
        }
    }
}
