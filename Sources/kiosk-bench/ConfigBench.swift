import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import KioskConfig
import KioskDaemon
import KioskHubSim
import NIOCore
import NIOHTTP1

/// `kiosk-bench config`: (1) a fleet of simulated kiosks polling the reference hub's
/// config endpoint with ETag, against GET /v1/health on the same client and concurrency (the
/// baseline); (2) a real release kioskd in tmux: a new bundle published at the hub until its hall
/// name is on the citizen's screen, against the same bundle handed over by `kioskctl config apply`.
struct ConfigBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Signed configuration: fleet polling with ETag, hub → applied on an idle kiosk.")

    @Option(help: "Simulated kiosks.") var kiosks = 1000
    @Option(help: "Polls per kiosk (after one first fetch each).") var polls = 5
    @Option(help: "Requests in flight.") var concurrency = 64
    @Option(help: "The kiosk's bundles.pollSeconds in part 2.") var pollSeconds = 2.0
    @Option(help: "Bundles per side in part 2.") var rounds = 3
    @Option(help: "Folder with kioskd and kioskctl.") var bin: String
    @Option(help: "Seed file.") var seed = "devices/hub-seed/citizens.json"

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-config-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: work) }
        let signer = try BundleMaker(work: work)
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let fleet = try await fleetPolling(url: url, bundle: try signer.make(version: 1, hall: "基准大厅", kiosk: "fleet"))
            let apply = try await hubToApplied(url: url, work: work, signer: signer)
            report(fleet: fleet, apply: apply)
        }
    }

    struct FleetResult {
        var pollsPerSecond: Double
        var healthPerSecond: Double
        var notModified: Int
        var polled: Int
    }

    /// Every kiosk fetches its bundle once (taking the ETag), then polls `polls` times with it.
    private func fleetPolling(url: String, bundle: Data) async throws -> FleetResult {
        let ids = (1...kiosks).map { String(format: "KIOSK-FLEET-%04d", $0) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        for id in ids {
            var put = HTTPClientRequest(url: url + "sim/config/\(id)")
            put.method = .PUT
            put.body = .bytes(ByteBuffer(bytes: bundle))
            _ = try await client.execute(put, timeout: .seconds(10))
        }
        var etags: [String: String] = [:]
        for id in ids { etags[id] = try await Self.get(client, url + "v1/kiosks/\(id)/config", kiosk: id, etag: nil).etag }
        let etagsNow = etags

        let jobs = ids.flatMap { id in Array(repeating: id, count: polls) }
        let (pollSeconds, statuses) = try await timed(jobs) { id in
            try await Self.get(client, url + "v1/kiosks/\(id)/config", kiosk: id, etag: etagsNow[id]).status
        }
        let (healthSeconds, _) = try await timed(jobs) { id in try await Self.get(client, url + "v1/health", kiosk: id, etag: nil).status }
        return FleetResult(
            pollsPerSecond: Double(jobs.count) / pollSeconds, healthPerSecond: Double(jobs.count) / healthSeconds,
            notModified: statuses.filter { $0 == 304 }.count, polled: jobs.count)
    }

    /// Runs `request` for every job, `concurrency` at a time; the wall time and the answers.
    private func timed(_ jobs: [String], _ request: @escaping @Sendable (String) async throws -> UInt) async throws -> (Double, [UInt]) {
        let start = ContinuousClock.now
        let width = concurrency
        let statuses = try await withThrowingTaskGroup(of: [UInt].self) { group in
            for lane in 0..<width {
                group.addTask {
                    var out: [UInt] = []
                    for index in stride(from: lane, to: jobs.count, by: width) { out.append(try await request(jobs[index])) }
                    return out
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return ((ContinuousClock.now - start).milliseconds / 1000, statuses)
    }

    private static func get(_ client: HTTPClient, _ url: String, kiosk: String, etag: String?) async throws -> (status: UInt, etag: String?)
    {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "X-Kiosk-Id", value: kiosk)
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 24)
        return (response.status.code, response.headers.first(name: "ETag"))
    }

    struct ApplyResult {
        var hub: Sample
        var local: Sample
    }

    /// A release kioskd on the rigs, polling this hub; bundles go in through the hub, then
    /// through the control socket; each is timed until its hall name is on the screen.
    private func hubToApplied(url: String, work: URL, signer: BundleMaker) async throws -> ApplyResult {
        let kiosk = "KIOSK-BENCH-0001"
        let config = work.appendingPathComponent("kiosk.yaml").path
        let socket = work.appendingPathComponent("control.sock").path
        try """
        kiosk:
          id: \(kiosk)
        hub:
          url: \(url)
        card:
          reader: Virtual PCD 00 00
        store:
          path: \(work.path)/kiosk.sqlite
        files:
          directory: kiosk-config
        control:
          socket: \(socket)
        metrics:
          listen: ""
        bundles:
          directory: \(work.path)/bundles
          trustDirectory: \(signer.trust.path)
          pollSeconds: \(pollSeconds)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let screen = try await BenchTerminal.start(["\(bin)/kioskd", "--config", config])
        defer { screen.kill() }
        try await screen.waitFor("请插入社保卡")
        var hub: [Double] = []
        var local: [Double] = []
        var version = 0
        for _ in 0..<rounds {
            version += 1
            let hall = "基准测试大厅\(version)号"
            let body = try signer.make(version: version, hall: hall, kiosk: kiosk)
            let start = ContinuousClock.now
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            var put = HTTPClientRequest(url: url + "sim/config/\(kiosk)")
            put.method = .PUT
            put.body = .bytes(ByteBuffer(bytes: body))
            _ = try await client.execute(put, timeout: .seconds(10))
            try await client.shutdown()
            try await screen.waitFor(hall, timeout: .seconds(pollSeconds * 3 + 20))
            hub.append((ContinuousClock.now - start).milliseconds)
        }
        for _ in 0..<rounds {
            version += 1
            let hall = "基准测试大厅\(version)号"
            let file = work.appendingPathComponent("v\(version).json")
            try signer.make(version: version, hall: hall, kiosk: kiosk).write(to: file)
            let start = ContinuousClock.now
            let out = try await BenchTerminal.run(["\(bin)/kioskctl", "config", "apply", file.path, "--socket", socket])
            guard out.contains("applied") else { throw ValidationError("kioskctl config apply: \(out)") }
            try await screen.waitFor(hall)
            local.append((ContinuousClock.now - start).milliseconds)
        }
        return ApplyResult(hub: Sample(values: hub), local: Sample(values: local))
    }

    private func report(fleet: FleetResult, apply: ApplyResult) {
        let share = Double(fleet.notModified) / Double(fleet.polled) * 100
        let ratio = fleet.pollsPerSecond / fleet.healthPerSecond
        print("config: \(kiosks) simulated kiosks × \(polls) polls with ETag, \(concurrency) in flight, against kiosk-hub-sim on loopback")
        print("| measure | ours | baseline | ratio |")
        print("|---|---|---|---|")
        print(
            "| config polls/s (If-None-Match) | \(fmt(fleet.pollsPerSecond, 0)) | \(fmt(fleet.healthPerSecond, 0)) GET /v1/health/s | \(fmt(ratio, 2)) |"
        )
        print("| answered 304 | \(fmt(share, 1)) % (\(fleet.notModified)/\(fleet.polled)) | – | – |")
        let allowance = pollSeconds * 1.2 * 1000 + apply.local.median
        print("one idle release kioskd, bundles.pollSeconds \(fmt(pollSeconds, 1)) (±20 % jitter), \(rounds) bundles a side:")
        print("| path | median ms | max ms |")
        print("|---|---|---|")
        print("| kioskctl config apply → on screen (baseline) | \(fmt(apply.local.median, 0)) | \(fmt(apply.local.percentile(100), 0)) |")
        print("| new bundle at the hub → on screen | \(fmt(apply.hub.median, 0)) | \(fmt(apply.hub.percentile(100), 0)) |")
        print(goalLine("config-poll-rate", measured: "\(fmt(ratio, 2))x health", target: ">= 0.8x health", met: ratio >= 0.8))
        print(goalLine("config-poll-304-share", measured: "\(fmt(share, 1)) %", target: ">= 99 %", met: share >= 99))
        print(
            goalLine(
                "config-hub-to-applied", measured: "\(fmt(apply.hub.median / 1000, 2)) s",
                target: "<= \(fmt(allowance / 1000, 2)) s: poll interval × 1.2 + local apply", met: apply.hub.median <= allowance))
    }
}

/// An operator key, the kiosk's trust folder, and bundles of the repo's kiosk-config with a hall name.
struct BundleMaker: Sendable {
    let source: URL
    let trust: URL
    /// The raw private key (Curve25519.Signing.PrivateKey is not Sendable).
    let rawKey = Curve25519.Signing.PrivateKey().rawRepresentation

    init(work: URL) throws {
        source = work.appendingPathComponent("src")
        trust = work.appendingPathComponent("trust")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: "kiosk-config"), to: source)
        try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey).publicKey.rawRepresentation.base64EncodedString().write(
            to: trust.appendingPathComponent("bench.pub"), atomically: true, encoding: .utf8)
    }

    func make(version: Int, hall: String, kiosk: String) throws -> Data {
        try "kiosk:\n  hall: \(hall)\n".write(to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
        return try ConfigBundleSigner.make(
            directory: source, privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey), version: version,
            expires: Date().addingTimeInterval(3600), targets: [kiosk])
    }
}
