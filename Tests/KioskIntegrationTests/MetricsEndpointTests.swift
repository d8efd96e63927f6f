import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kioskd's Prometheus endpoint, scraped over real HTTP on loopback from a real kioskd in a
/// terminal, against the rigs and the reference hub.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct MetricsEndpointTests {
    /// The gauges are there from the start; a citizen's session, its hub calls and nothing
    /// personal show up after it.
    @Test func scrapeShowsGaugesThenTheSession() async throws {
        let port = try LoopbackListener().releasingPort()
        try await KioskEndToEnd.run(pollSeconds: 60, metricsListen: "127.0.0.1:\(port)") { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let first = try await Self.scrape(port) { $0.contains("kioskd_hub_breaker_state") }
            #expect(first.head.contains("200"), "\(first.head)")
            #expect(first.head.lowercased().contains("content-type: text/plain; version=0.0.4"), "\(first.head)")
            #expect(first.lines.contains("kioskd_hub_breaker_state 0.0"), "\(first.body)")
            #expect(first.lines.contains("kioskd_config_version 0.0"), "\(first.body)")
            #expect(first.lines.contains { $0.hasPrefix(#"kioskd_outbox_backlog{destination="hub.journal"} "#) }, "\(first.body)")

            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))
            let after = try await Self.scrape(port) { $0.contains(#"kioskd_sessions_total{outcome="card-removed"} 1"#) }
            #expect(after.lines.contains { $0.hasPrefix(#"kioskd_hub_request_duration_seconds_count{endpoint="/v1/subjects/resolve"} "#) })
            // The configuration poll (its first pull comes within 2 s of start) is timed like the rest.
            #expect(
                after.lines.contains {
                    $0.hasPrefix(#"kioskd_hub_request_duration_seconds_count{endpoint="/v1/kiosks/{kioskId}/config"} "#)
                })
            for personal in ["张", "11010519491231002X", "1101**"] {
                #expect(!after.body.contains(personal), "\(personal) in the metrics")
            }
        }
    }

    /// The port is taken: kioskd says so in its log and serves citizens without metrics.
    @Test func aTakenPortLeavesTheKioskServing() async throws {
        let squatter = try LoopbackListener()
        defer { squatter.close() }
        try await KioskEndToEnd.run(metricsListen: "127.0.0.1:\(squatter.port)") { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let log = kiosk.dir.appendingPathComponent("kioskd.log").path
            var text = ""
            for _ in 0..<100 where !text.contains("metrics endpoint") {
                try await Task.sleep(for: .milliseconds(100))
                text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            }
            #expect(text.contains("metrics endpoint") && text.contains("without it"), "\(text)")
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            await card.remove()
        }
    }

    struct Scrape {
        var head: String
        var body: String
        var lines: Set<String> { Set(body.split(separator: "\n").map(String.init)) }
    }

    /// GET /metrics with curl until `ready` holds for the body (kioskd is still starting, or the
    /// counter is a store write away).
    static func scrape(_ port: Int, until ready: (String) -> Bool) async throws -> Scrape {
        var last = Scrape(head: "", body: "")
        for _ in 0..<100 {
            let out = try await Rigs.tool("curl", ["-s", "-i", "--max-time", "2", "http://127.0.0.1:\(port)/metrics"])
            let parts = out.stdout.components(separatedBy: "\r\n\r\n")
            last = Scrape(head: parts.first ?? "", body: parts.dropFirst().joined(separator: "\r\n\r\n"))
            if ready(last.body) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the scrape never held what was awaited: \(last.head)\n\(last.body)")
        return last
    }
}

/// A TCP listener on 127.0.0.1 with a port the kernel chose.
final class LoopbackListener: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            Glibc.close(fd)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "no loopback port: errno \(errno)"])
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Closes the listener and hands its port on (free now, and not 9464).
    func releasingPort() -> Int {
        close()
        return port
    }

    func close() { Glibc.close(fd) }
}

/// A fleet's scrape: beyond the kiosk itself, only the networks in `metrics.allow` get the
/// metrics; any other address gets 403 and nothing else. 127.0.0.2 stands in for a scraper on the
/// hall network (curl --interface): a loopback address, but not the kiosk's own 127.0.0.1.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct MetricsAllowTests {
    @Test func aScraperOutsideTheAllowListGets403AndOneInsideGetsTheMetrics() async throws {
        let port = try LoopbackListener().releasingPort()
        try await KioskEndToEnd.run(metricsListen: "127.0.0.1:\(port)", metricsAllow: ["192.0.2.0/24"]) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            _ = try await MetricsEndpointTests.scrape(port) { $0.contains("kioskd_hub_breaker_state") }
            let refused = try await Self.scrape(port, from: "127.0.0.2")
            #expect(refused.contains("403") && !refused.contains("kioskd_"), "\(refused)")
        }
        let allowedPort = try LoopbackListener().releasingPort()
        try await KioskEndToEnd.run(metricsListen: "127.0.0.1:\(allowedPort)", metricsAllow: ["127.0.0.2/32"]) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            _ = try await MetricsEndpointTests.scrape(allowedPort) { $0.contains("kioskd_hub_breaker_state") }
            let allowed = try await Self.scrape(allowedPort, from: "127.0.0.2")
            #expect(allowed.contains("200") && allowed.contains("kioskd_hub_breaker_state"), "\(allowed)")
        }
    }

    /// `GET /metrics` with the connection's source address `source`: status line and body.
    static func scrape(_ port: Int, from source: String) async throws -> String {
        try await Rigs.tool("curl", ["-s", "-i", "--max-time", "5", "--interface", source, "http://127.0.0.1:\(port)/metrics"]).stdout
    }
}

/// A fleet's scrape over HTTPS: only a scraper whose client certificate the configured CA signed
/// gets past the handshake; one without a certificate or with another CA's gets nothing.
/// Certificates made by openssl for each run (HubTLSTests'); the endpoint's own expiry is exported.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct MetricsTLSTests {
    @Test func onlyAScraperWithACertificateFromTheClientCAGetsTheMetrics() async throws {
        let certs = try await HubTLSTests.makeCertificates()
        let port = try LoopbackListener().releasingPort()
        let files = """
              certificate: \(certs.appendingPathComponent("server.crt").path)
              key: \(certs.appendingPathComponent("server.key").path)
              clientCA: \(certs.appendingPathComponent("ca.crt").path)
            """
        try await KioskEndToEnd.run(metricsListen: "127.0.0.1:\(port)", metricsYAML: files) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            func scrape(_ client: String?) async throws -> (exitCode: Int32?, out: String) {
                var arguments = ["-s", "-i", "--max-time", "5", "--cacert", certs.appendingPathComponent("ca.crt").path]
                if let client {
                    arguments += ["--cert", certs.appendingPathComponent("\(client).crt").path]
                    arguments += ["--key", certs.appendingPathComponent("\(client).key").path]
                }
                let out = try await Rigs.tool("curl", arguments + ["https://127.0.0.1:\(port)/metrics"])
                return (out.exitCode, out.stdout)
            }
            var admitted = try await scrape("client")
            for _ in 0..<50 where !admitted.out.contains("kioskd_hub_breaker_state") {
                try await Task.sleep(for: .milliseconds(200))
                admitted = try await scrape("client")
            }
            #expect(admitted.exitCode == 0 && admitted.out.contains("200"), "\(admitted)")
            #expect(admitted.out.contains(#"kioskd_certificate_expiry_timestamp_seconds{certificate="metrics"}"#), "\(admitted.out)")
            let anonymous = try await scrape(nil)
            #expect(anonymous.exitCode != 0 && !anonymous.out.contains("kioskd_"), "\(anonymous)")
            let rogue = try await scrape("rogue")
            #expect(rogue.exitCode != 0 && !rogue.out.contains("kioskd_"), "\(rogue)")
            let plain = try await Rigs.tool("curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(port)/metrics"])
            #expect(!plain.stdout.contains("kioskd_"), "plain HTTP gets nothing: \(plain.stdout)")
        }
    }
}

/// A kiosk out of service still answers its scrape, saying so: the centre's KioskOutOfService
/// alert needs `kioskd_out_of_service 1`, not a silent target. Its heartbeat says so too, with
/// its devices, which it still watches.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct MetricsOutOfServiceTests {
    @Test func anOutOfServiceKioskIsScrapedAndReportsItsDevices() async throws {
        let port = try LoopbackListener().releasingPort()
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-kiosk-config-\(UUID().uuidString.prefix(8))").path
        try await KioskEndToEnd.run(metricsListen: "127.0.0.1:\(port)", filesDirectory: missing) { kiosk in
            _ = try await kiosk.screen(contains: "暂停服务")
            let scrape = try await MetricsEndpointTests.scrape(port) { $0.contains("kioskd_out_of_service 1") }
            #expect(scrape.lines.contains("kioskd_out_of_service 1.0"), "\(scrape.body)")
            #expect(scrape.lines.contains { $0.hasPrefix(#"kioskd_outbox_backlog{destination="hub.journal"} "#) }, "\(scrape.body)")
            var beat: [String: Any] = [:]
            var devices: [String] = []
            for _ in 0..<80 where !devices.contains("a4-printer") {
                // "null" until the first heartbeat arrives; the printers' first status comes soon after.
                beat = (try? await kiosk.hubJSON("sim/heartbeats/KIOSK-E2E-0001")) as? [String: Any] ?? [:]
                devices = (beat["devices"] as? [[String: Any]] ?? []).compactMap { $0["device"] as? String }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(beat["outOfService"] as? Bool == true, "\(beat)")
            #expect(devices.contains("a4-printer") && devices.contains("card-reader") && devices.contains("store"), "\(beat)")
        }
    }
}
