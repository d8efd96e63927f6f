import Foundation
import KioskConfig
import KioskControlServer
import KioskCore
import KioskTesting
import Logging
import Testing

@testable import KioskDaemon

/// The hub poller over a fake hub: a pulled bundle handed to the desk without waiting, and the
/// ETag kept only when the kiosk is done with that bundle.
@Suite struct ConfigPollServiceTests {
    static func configuration() -> KioskConfiguration {
        var configuration = KioskConfiguration()
        configuration.kiosk.id = "KIOSK-T-0001"
        configuration.bundles.pollSeconds = 0.05
        return configuration
    }

    /// Runs the poller until `body` returns.
    static func polling(
        hub: FakeHub, store: InMemoryRecordStore, control: KioskControlState, desk: ConfigDesk,
        _ body: () async throws -> Void
    ) async throws {
        let service = ConfigPollService(
            configuration: configuration(), hub: hub, store: store, control: control, desk: desk, logger: Logger(label: "test.poll"))
        let task = Task { try await service.run() }
        do { try await body() } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    /// The next request on the desk, within a few seconds.
    static func nextRequest(_ desk: ConfigDesk) async throws -> ConfigDesk.Request {
        try await withThrowingTaskGroup(of: ConfigDesk.Request?.self) { group in
            group.addTask {
                for await request in desk.requests { return request }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            defer { group.cancelAll() }
            guard let request = try await group.next() ?? nil else { throw KioskError(.timeout, "no request reached the desk") }
            return request
        }
    }

    @Test func aBundleRefusedForAPassingReasonIsFetchedAgainAndAnAnsweredOneIsNot() async throws {
        let hub = FakeHub()
        let bundle = Data("signed bundle".utf8)
        hub.script { $0.configAnswers = [.bundle(bundle, etag: "\"v8\""), .bundle(bundle, etag: "\"v8\"")] }
        let control = KioskControlState()
        let desk = ConfigDesk()
        try await Self.polling(hub: hub, store: InMemoryRecordStore(), control: control, desk: desk) {
            guard case .apply(let data, let source, let uid, let reply) = try await Self.nextRequest(desk) else {
                Issue.record("not an apply")
                return
            }
            #expect(data == bundle && source == "hub" && uid == nil)
            // While the supervisor holds it, the poller asks for nothing more.
            try await Task.sleep(for: .milliseconds(200))
            #expect(hub.record.configETags.count == 1)
            reply(ConfigOutcome(.refused, version: 8, reason: "busy", retryLater: true))
            guard case .apply(_, _, _, let second) = try await Self.nextRequest(desk) else {
                Issue.record("not fetched again")
                return
            }
            second(ConfigOutcome(.applied, version: 8))
            try await waitUntil { hub.record.configETags.last == "\"v8\"" }
        }
        #expect(Array(hub.record.configETags.prefix(2)) == [nil, nil])
        #expect(await control.lastETag == "\"v8\"")
    }

    @Test func aHubThatIsDownIsAskedAgainOnTheNextBeat() async throws {
        let hub = FakeHub()
        hub.script { $0.down = true }
        try await Self.polling(hub: hub, store: InMemoryRecordStore(), control: KioskControlState(), desk: ConfigDesk()) {
            try await waitUntil { hub.record.calls.filter { $0 == "kioskConfig" }.count >= 2 }
        }
    }
}
