import Foundation
import KioskCore
import KioskHub
import Testing

/// kioskd as a person sees it: the real binary in a real terminal (tmux), against the rigs and
/// the reference hub.
@Suite(.tags(.integration)) struct KioskdTerminalTests {
    @Test func hubClientReachesTheReferenceHub() async throws {
        try await withHubSimulator { url in
            let client = try HTTPHubClient(HubClientConfiguration(baseURL: url, kioskId: "KIOSK-TEST-0001"))
            let health = try await client.health()
            await client.shutdown()
            #expect(health.status == "ok")
            #expect(health.latencyMs >= 0)
        }
    }

    @Test func hubClientSaysPlainlyWhenTheHubIsDown() async throws {
        var configuration = HubClientConfiguration(baseURL: "http://127.0.0.1:9/", kioskId: "KIOSK-TEST-0001")
        configuration.requestTimeout = .seconds(2)
        let client = try HTTPHubClient(configuration)
        await #expect {
            try await client.health()
        } throws: { error in
            (error as? KioskError)?.code == .hubUnavailable
        }
        await client.shutdown()
    }

    @Test func statusScreenShowsReadersPrintersAndHubAndRedrawsOnResize() async throws {
        try await withHubSimulator { url in
            try await TmuxSession.with(
                command: [Rigs.executable("kioskd").string, "--status-screen", "--config", try Self.config(hubURL: url)], columns: 80,
                rows: 24
            ) { tmux in
                let screen = try await tmux.waitFor(timeout: .seconds(20)) {
                    $0.contains("Virtual PCD 00 00") && $0.contains("kiosk-a4") && $0.contains("[正常 OK] 中心平台 Hub")
                }
                #expect(screen.contains("kiosk-receipt"))
                #expect(screen.contains("KIOSK-TEST-0001"))
                try await tmux.resize(columns: 40, rows: 12)
                let small = try await tmux.waitFor(timeout: .seconds(15)) {
                    $0.contains("读卡器") && !$0.contains("Virtual PCD 00 01  无卡 no card   ")
                }
                #expect(small.split(separator: "\n").count <= 12)
            }
        }
    }

    @Test func statusScreenSaysWhenTheHubIsDown() async throws {
        try await TmuxSession.with(
            command: [Rigs.executable("kioskd").string, "--status-screen", "--config", try Self.config(hubURL: "http://127.0.0.1:9/")],
            columns: 80, rows: 24
        ) { tmux in
            let screen = try await tmux.waitFor(timeout: .seconds(20)) { $0.contains("[故障 FAIL] 中心平台 Hub") }
            // Which words depends on how many probes failed before this frame: the first says the hub
            // is not reachable; after repeated failures the breaker has marked it down.
            #expect(screen.contains("not reachable") || screen.contains("marked down"), "\(screen)")
            #expect(screen.contains("http://127.0.0.1:9/"))
        }
    }

    static func config(hubURL: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kioskd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("kiosk.yaml").path
        try """
        kiosk:
          id: KIOSK-TEST-0001
        hub:
          url: \(hubURL)
          timeoutSeconds: 2
        store:
          path: \(dir.path)/kiosk.sqlite
        console:
          refreshSeconds: 0.5
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
