import Foundation
import KioskCore
import KioskStore
import Testing

@Suite struct RecordsTests {
    static func request(_ id: String, at minute: Int) -> PrintRequest {
        PrintRequest(
            id: id, kind: .certificate, printer: "kiosk-a4", sessionId: "S-1", documentSHA256: String(repeating: "a", count: 64), pages: 2,
            createdAt: String(format: "2025-03-01T08:%02d:00.000Z", minute), safeToRetry: false)
    }

    @Test func printRequestsStayOpenUntilFinishedAcrossARestart() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await store.recordRequest(Self.request("P-2", at: 2))
        try await store.recordRequest(Self.request("P-1", at: 1))
        try await store.attachJob(requestId: "P-1", printer: "kiosk-a4", jobId: 41)
        await #expect(throws: KioskError.self) { try await store.attachJob(requestId: "P-9", printer: "kiosk-a4", jobId: 1) }
        try store.close()

        let reopened = try Fixture.openStore(folder)
        let open = try await reopened.openRequests()
        #expect(open.map(\.id) == ["P-1", "P-2"])
        #expect(open[0].jobId == 41)
        #expect(open[0].safeToRetry == false)
        try await reopened.finish(requestId: "P-1", outcome: .completed)
        // A second outcome never overwrites the first.
        try await reopened.finish(requestId: "P-1", outcome: .missing)
        #expect(try await reopened.openRequests().map(\.id) == ["P-2"])
        await #expect(throws: KioskError.self) { try await reopened.recordRequest(Self.request("P-2", at: 3)) }
    }

    @Test func configVersionsAndDeviceEventsNewestFirst() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        for v in ["1", "2"] {
            try await store.recordConfigVersion(
                .init(
                    version: v, sha256: String(repeating: v, count: 64), source: "file", appliedAt: "2025-03-01T08:00:0\(v).000Z", body: "x"
                ))
        }
        try await store.recordDeviceEvent(.init(time: "2025-03-01T08:00:00.000Z", device: "card-reader", event: "removed"))
        try await store.recordDeviceEvent(
            .init(time: "2025-03-01T08:00:01.000Z", device: "printer:kiosk-a4", event: "fault", detail: "jam"))
        #expect(try await store.configVersions().map(\.version) == ["2", "1"])
        #expect(try await store.deviceEvents().map(\.event) == ["fault", "removed"])
        #expect(try await store.rowCounts()["device_events"] == 2)
    }

    /// The high-water mark the bundle verifier checks: numerically highest (10 beats 9), of any
    /// outcome, and rows whose version is not a number (a site file's) do not count.
    @Test func highestConfigVersionIsNumericAndIgnoresNonNumbers() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        #expect(try await store.highestConfigVersion() == 0)
        for v in ["9", "10", "site", "3", "", "7x"] {
            try await store.recordConfigVersion(
                .init(
                    version: v, sha256: String(repeating: "0", count: 64), source: "file", appliedAt: "2025-03-01T08:00:00.000Z", body: "x")
            )
        }
        #expect(try await store.highestConfigVersion() == 10)
    }
}
