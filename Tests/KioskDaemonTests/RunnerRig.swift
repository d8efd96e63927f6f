import Foundation
import KioskCore
import KioskTesting
import Logging
import Prometheus
import Testing

@testable import KioskDaemon

/// A SessionRunner over the fakes of KioskTesting, fed the way CitizenConsoleService feeds it:
/// events on one queue, one at a time; the answers of the actions come back on the same queue.
final class RunnerRig: Sendable {
    static let reader = "Fake Reader 00"

    let hub = FakeHub()
    let slot = FakeCardSlot()
    let store = InMemoryRecordStore()
    let receiptPrinter = FakePrinter(queue: "kiosk-receipt")
    let certificatePrinter = FakePrinter(queue: "kiosk-a4")
    let camera = FakeCamera()
    let runner: SessionRunner
    private let events: AsyncStream<SessionEvent>.Continuation
    private let loop: Task<Void, Never>

    init(renderer: FakeDocumentRenderer = FakeDocumentRenderer(), camera present: Bool = true) {
        let environment = KioskEnvironment(
            configuration: KioskConfiguration(), store: store, subjectKey: TestSubjectKey(), hub: hub,
            printers: [.receipt: receiptPrinter, .certificate: certificatePrinter], renderer: renderer, cardSlot: slot,
            camera: present ? camera : nil, clock: ImmediateClock(), media: [:],
            metrics: KioskMetrics(registry: PrometheusCollectorRegistry()))
        let settings = SessionSettings(
            kioskId: "KIOSK-T-0001", hall: "测试大厅", timeouts: SessionTimeouts(), receiptTexts: [:], makeID: { UUID().uuidString })
        let machine = SessionMachine(settings: settings, catalog: .standard, guides: SessionFixtures.guides(), now: .current())
        let (stream, continuation) = AsyncStream.makeStream(of: SessionEvent.self)
        events = continuation
        let runner = SessionRunner(
            machine: machine, environment: environment, events: continuation, consentText: { key, _ in key },
            logger: Logger(label: "test.runner"), onScreen: { _ in }, onAlert: { _ in })
        self.runner = runner
        loop = Task { for await event in stream { await runner.handle(event) } }
        send(.printerStatus(.receipt, SessionFixtures.printer(.receipt, .ready)))
        send(.printerStatus(.certificate, SessionFixtures.printer(.certificate, .ready)))
        send(.hubStatus(.up))
        send(.cameraStatus(present: present))
    }

    func send(_ event: SessionEvent) { events.yield(event) }
    func press(_ keys: Key...) { for key in keys { send(.key(key)) } }
    func insertCard() { send(.card(.cardInserted(reader: Self.reader, atr: [0x3B, 0x6D]))) }
    func removeCard() { send(.card(.cardRemoved(reader: Self.reader))) }

    /// Card in, read, the menu on screen.
    func startAtMenu() async throws {
        insertCard()
        try await waitFor("the menu") { if case .menu = $0 { true } else { false } }
    }

    /// Waits (up to `limit`) until the screen shows what `matches` accepts.
    @discardableResult
    func waitFor(_ what: String, limit: Duration = .seconds(30), _ matches: (ScreenContent) -> Bool) async throws -> ScreenContent {
        let deadline = ContinuousClock.now + limit
        while true {
            let content = await runner.screen.content
            if matches(content) { return content }
            guard ContinuousClock.now < deadline else {
                throw KioskError(.timeout, "waited \(limit) for \(what); the screen shows \(content)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops as CitizenConsoleService does: the queue ends, the last event is handled, then every
    /// journal entry and rating handed over is in the store.
    func finish() async {
        events.finish()
        await loop.value
        await runner.flushStore()
    }
}

struct TestSubjectKey: SubjectRefKey {
    func subjectRef(ssn: String) -> String { "kiosk-ref-\(ssn.suffix(4))" }
}

/// Waits until `condition` holds (state outside the screen: fakes, the store), up to `limit`:
/// long, for a loaded CI machine; a test that passes never waits that long.
func waitUntil(_ what: String = "the condition", limit: Duration = .seconds(30), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw KioskError(.timeout, "waited \(limit) for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
