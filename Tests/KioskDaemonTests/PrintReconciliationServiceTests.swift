import KioskCore
import KioskTesting
import Prometheus
import Testing

@testable import KioskDaemon

/// The start's reconciliation: every settled request journalled, an unsettled one tried again by
/// name until CUPS answers for it.
@Suite struct PrintReconciliationServiceTests {
    static func finding(_ id: String, _ finding: PrintReconciliation.Finding) -> PrintReconciliation {
        PrintReconciliation(
            request: PrintRequest(
                id: id, kind: .certificate, printer: "kiosk-a4", sessionId: "s-\(id)", documentSHA256: "00", pages: 1,
                createdAt: "2026-11-22T02:00:00Z", jobId: 7, safeToRetry: false),
            finding: finding, jobId: 7, shouldReprint: false)
    }

    @Test func anUnsettledRequestIsTriedAgainByNameUntilItIsSettled() async throws {
        let printer = FakePrinter(queue: "kiosk-a4")
        let unanswered = Self.finding("unanswered", .cancelledAtStart)
        printer.script {
            $0.reconciliations = [
                PrintReconciliationPass(
                    findings: [Self.finding("done", .completed)],
                    unsettled: [.init(request: unanswered.request, reason: "cupsd: connection refused")]),
                PrintReconciliationPass(unsettled: [.init(request: unanswered.request, reason: "cupsd: connection refused")]),
                PrintReconciliationPass(findings: [unanswered]),
            ]
        }
        let store = InMemoryRecordStore()
        let service = PrintReconciliationService(
            printers: [.certificate: printer, .receipt: FakePrinter(queue: "kiosk-receipt")], store: store,
            metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), retryEvery: .milliseconds(10), logger: quiet("t"))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while store.journal.filter({ $0.kind == .print }).count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let prints = store.journal.filter { $0.kind == .print }
        #expect(prints.map { $0.payload["finding"] } == [.string("completed"), .string("cancelled-at-start")], "\(prints)")
        #expect(printer.record.reconciledOnly == [nil, ["unanswered"], ["unanswered"]])
        try await Task.sleep(for: .milliseconds(50))
        #expect(printer.record.reconciledOnly.count == 3, "no pass after every request is settled")
    }
}
