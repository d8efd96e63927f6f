import Foundation
import KioskConfig
import KioskControlServer
import KioskCore
import KioskTesting
import Logging
import Prometheus
import Synchronization
import Testing

@testable import KioskDaemon

/// The heartbeat over a fake hub: the contract's body, an early heartbeat when a device changes,
/// and one heartbeat (the newest) after the hub was away, never the backlog.
@Suite struct HeartbeatServiceTests {
    static func configuration(heartbeatSeconds: Double = 3600) -> KioskConfiguration {
        var configuration = KioskConfiguration()
        configuration.kiosk.id = "KIOSK-T-0001"
        configuration.hub.heartbeatSeconds = heartbeatSeconds
        return configuration
    }

    /// Runs the heartbeat until `body` returns.
    static func beating(
        hub: FakeHub, store: InMemoryRecordStore, control: KioskControlState, monitor: DeviceMonitor?,
        heartbeatSeconds: Double = 3600, _ body: () async throws -> Void
    ) async throws {
        let service = HeartbeatService(
            configuration: configuration(heartbeatSeconds: heartbeatSeconds), hub: hub, store: store, control: control,
            monitor: monitor, checkEvery: .milliseconds(20), logger: quiet("test.heartbeat"))
        let task = Task { try await service.run() }
        defer { task.cancel() }
        try await body()
        task.cancel()
        _ = await task.result
    }

    static func monitor(_ store: InMemoryRecordStore) -> DeviceMonitor {
        DeviceMonitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("test.devices"))
    }

    @Test func theBodyIsTheContractsWithVersionMaintenanceJournalHeadAndDevices() async throws {
        let hub = FakeHub()
        let store = InMemoryRecordStore()
        let first = try await store.append(JournalEntry(kind: .sessionStart))
        let control = KioskControlState()
        await control.setConfig(
            ConfigStatus(version: 7, highWaterMark: 7, hubURL: "https://hub.example/", pollSeconds: 0), configuration: Self.configuration())
        try await control.setMaintenance(on: true, reason: "更换打印纸", uid: 0)
        let monitor = Self.monitor(store)
        await monitor.observe(.a4Printer, .failed, reasons: ["media-empty-error", "media-empty-error"])
        await monitor.observe(.cardReader, .ok)
        try await Self.beating(hub: hub, store: store, control: control, monitor: monitor) {
            try await waitUntil { !hub.record.heartbeats.isEmpty }
        }
        let beat = try #require(hub.record.heartbeats.first)
        #expect(beat.configVersion == 7 && !beat.outOfService)
        #expect(beat.maintenance == .init(on: true, reason: "更换打印纸"))
        // The device fault's own record came after the session's.
        #expect(beat.journalHead?.seq == 2 && beat.journalHead?.seq != first.seq)
        #expect(beat.devices.map(\.device) == ["card-reader", "a4-printer"])
        #expect(beat.devices.last?.state == .failed && beat.devices.last?.reasons == ["media-empty-error"])
        #expect(StoreTime.parse(beat.at) != nil && StoreTime.parse(beat.devices[0].since) != nil)

        // The JSON keys are the contract's, nothing else.
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(beat)) as? [String: Any])
        #expect(
            Set(json.keys) == ["at", "softwareVersion", "configVersion", "outOfService", "maintenance", "journalHead", "devices"])
        let device = try #require((json["devices"] as? [[String: Any]])?.first)
        #expect(Set(device.keys) == ["device", "state", "reasons", "since"])
        // A store that could not say its head: the key is there, null.
        var headless = beat
        headless.journalHead = nil
        let bare = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(headless)) as? [String: Any])
        #expect(bare.keys.contains("journalHead") && bare["journalHead"] is NSNull, "\(bare)")
    }

    /// A hub that refuses the heartbeat (it does not know this kiosk) is said once as an error
    /// naming its problem, and the heartbeat goes on being tried.
    @Test func aHubThatRefusesTheHeartbeatIsSaidAsAnErrorAndTriedAgain() async throws {
        let hub = FakeHub()
        hub.script {
            $0.heartbeatRefusal = HubProblem(
                status: 403, code: "kiosk-unknown", title: "no such kiosk", retryable: false, requestId: "r-1")
        }
        let logs = CapturedLog()
        let service = HeartbeatService(
            configuration: Self.configuration(heartbeatSeconds: 1), hub: hub, store: InMemoryRecordStore(),
            control: KioskControlState(), monitor: nil, checkEvery: .milliseconds(20),
            logger: Logger(label: "test.heartbeat") { _ in logs })
        let task = Task { try await service.run() }
        try await waitUntil { hub.record.heartbeats.count >= 2 }
        task.cancel()
        _ = await task.result
        let errors = logs.lines.filter { $0.level == .error }
        #expect(errors.count == 1 && errors[0].message.contains("refuses") && errors[0].message.contains("kiosk-unknown"), "\(logs.lines)")
    }

    @Test func aDeviceChangeIsSentAtOnceAndNothingElseBeforeTheInterval() async throws {
        let hub = FakeHub()
        let store = InMemoryRecordStore()
        let monitor = Self.monitor(store)
        await monitor.observe(.receiptPrinter, .ok)
        try await Self.beating(hub: hub, store: store, control: KioskControlState(), monitor: monitor) {
            try await waitUntil { hub.record.heartbeats.count == 1 }
            // A citizen's records move the journal head: no change worth a heartbeat.
            _ = try await store.append(JournalEntry(kind: .sessionStart))
            try await Task.sleep(for: .milliseconds(200))
            #expect(hub.record.heartbeats.count == 1)
            await monitor.observe(.receiptPrinter, .failed, reasons: ["media-jam"])
            try await waitUntil { hub.record.heartbeats.count == 2 }
        }
        let last = try #require(hub.record.heartbeats.last)
        #expect(last.devices.first?.state == .failed && last.devices.first?.reasons == ["media-jam"])
    }

    @Test func aHubAwayGetsOnlyTheNewestHeartbeatWhenItReturns() async throws {
        let hub = FakeHub()
        hub.script { $0.down = true }
        let store = InMemoryRecordStore()
        let monitor = Self.monitor(store)
        var attempts = 0
        try await Self.beating(hub: hub, store: store, control: KioskControlState(), monitor: monitor, heartbeatSeconds: 1) {
            try await waitUntil { hub.record.heartbeats.count >= 2 }
            // Meanwhile the kiosk changes several times.
            for reasons in [["media-empty"], ["media-jam"], ["door-open"]] {
                await monitor.observe(.a4Printer, .failed, reasons: reasons)
            }
            try await Task.sleep(for: .milliseconds(100))
            attempts = hub.record.heartbeats.count
            hub.script { $0.down = false }
            try await waitUntil { hub.record.heartbeats.count > attempts }
            try await Task.sleep(for: .milliseconds(300))
        }
        // FakeHub records every attempt, failed ones too: those after its return carry the newest state only.
        let delivered = hub.record.heartbeats.dropFirst(attempts)
        #expect(!delivered.isEmpty && delivered.allSatisfy { $0.devices.first?.reasons == ["door-open"] }, "\(delivered.map(\.devices))")
        // Nothing changed after the return and the interval is a second: no burst of queued heartbeats.
        #expect(delivered.count <= 2, "\(delivered.count) heartbeats in 300 ms after the hub returned")
    }
}

/// A logger for what a test provokes on purpose: its warnings would only crowd the test output.
func quiet(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// What a service logged, for a test of what it says (swift-log's handler protocol, in memory).
final class CapturedLog: LogHandler, Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
    }
    private let captured = Mutex<[Line]>([])
    var lines: [Line] { captured.withLock { $0 } }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        captured.withLock { $0.append(Line(level: event.level, message: "\(event.message)")) }
    }
}
