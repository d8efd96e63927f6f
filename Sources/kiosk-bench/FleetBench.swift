import ArgumentParser
import AsyncHTTPClient
import Foundation
import KioskCore
import NIOCore
import NIOHTTP1
import Subprocess
import SystemPackage

/// `kiosk-bench fleet`: what a city centre's side costs. Against a fleet that `scripts/fleet up`
/// started (real kioskd, the reference hub, Debian's Prometheus with the shipped rules):
/// 100 simulated kiosks' heartbeats and config polls on the hub (latency against one kiosk
/// alone); the time from a paper-out on one real kioskd to its alert firing in Prometheus, against
/// Prometheus's scrape plus evaluation interval as measured in the same run; and the journal's
/// pruning rate against a raw SQLite DELETE of the same rows (`FleetBench+Prune.swift`).
struct FleetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet", abstract: "Fleet: hub load of simulated kiosks, fault-to-alert, journal pruning.")

    @Option(help: "The fleet's reference hub.") var hub = "http://127.0.0.1:8580/"
    @Option(help: "The fleet's Prometheus.") var prometheus = "http://127.0.0.1:9590/"
    @Option(help: "Simulated kiosks loading the hub.") var kiosks = 100
    @Option(help: "Seconds each hub load phase lasts.") var seconds = 10.0
    @Option(help: "Seconds between one simulated kiosk's heartbeats (60 on a real kiosk).") var beatSeconds = 1.0
    @Option(help: "The virtual printer's fault script.") var faultScript = "devices/virtual-printer/fault"
    @Option(help: "Fault-to-alert trials.") var trials = 3
    @Option(help: "The real kiosk whose A4 printer is faulted.") var kiosk = "KIOSK-FLEET-0001"
    @Option(help: "Journal records to prune.") var pruneRecords = 100_000
    @Option(help: "Folder for the pruning databases (on the disk under test).") var dir: String?

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await benchmark(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func benchmark(_ client: HTTPClient) async throws {
        // 1. The hub under a fleet's heartbeats and polls.
        let alone = try await HubLoad(client: client, hub: hub, kiosks: 1, beatSeconds: beatSeconds).run(seconds: seconds)
        let loaded = try await HubLoad(client: client, hub: hub, kiosks: kiosks, beatSeconds: beatSeconds).run(seconds: seconds)
        print("fleet: hub \(hub), \(kiosks) simulated kiosks, a heartbeat and a config poll every \(fmt(beatSeconds, 1)) s each")
        print("| load | requests | errors | requests/s | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|")
        for (name, load) in [("one kiosk alone (baseline)", alone), ("\(kiosks) kiosks", loaded)] {
            print(
                "| \(name) | \(load.latencies.count) | \(load.errors) | \(fmt(Double(load.latencies.count) / seconds, 1)) "
                    + "| \(fmt(Sample(values: load.latencies).median)) | \(fmt(Sample(values: load.latencies).percentile(99))) |")
        }
        print("p50 under load / alone: \(fmt(Sample(values: loaded.latencies).median / Sample(values: alone.latencies).median, 2))x")

        // 2. Fault to alert, with the simulated fleet still beating.
        let background = Task { try await HubLoad(client: client, hub: hub, kiosks: kiosks, beatSeconds: beatSeconds).run(seconds: 3600) }
        defer { background.cancel() }
        let prom = PrometheusAPI(client: client, base: prometheus)
        let scrape = try await prom.measureInterval("scrape") { try await $0.lastScrape(of: kiosk) }
        let evaluation = try await prom.measureInterval("evaluation") { try await $0.lastEvaluation() }
        var delays: [Double] = []
        for _ in 0..<trials {
            try await fault("clear")
            try await prom.until(seconds: 120) { try await !$0.firing("KioskPrinterFaulted").contains(kiosk) }
            // A few seconds of quiet, so each trial starts at a random point of the cycles.
            try await Task.sleep(for: .seconds(Double.random(in: 1...3)))
            let start = ContinuousClock.now
            try await fault("paper-out")
            try await prom.until(seconds: 120) { try await $0.firing("KioskPrinterFaulted").contains(kiosk) }
            delays.append((ContinuousClock.now - start).milliseconds / 1000)
        }
        try await fault("clear")
        let budget = scrape + evaluation + 5
        print("")
        print("| fault to alert | seconds |")
        print("|---|---|")
        print("| scrape interval, measured | \(fmt(scrape, 2)) |")
        print("| evaluation interval, measured | \(fmt(evaluation, 2)) |")
        print("| budget: scrape + evaluation + 5 s | \(fmt(budget, 2)) |")
        for (i, delay) in delays.enumerated() { print("| trial \(i + 1): paper-out → KioskPrinterFaulted firing | \(fmt(delay, 2)) |") }
        let worst = delays.max() ?? .infinity

        // 3. Pruning.
        let prune = try await PruneBench(records: pruneRecords, dir: dir).run()
        print("")
        print("| journal pruning, \(pruneRecords) records | rows/s | ratio |")
        print("|---|---|---|")
        print("| raw SQLite: anchor + DELETE (baseline) | \(fmt(prune.raw, 0)) | 1.00 |")
        print("| KioskStore.pruneJournal | \(fmt(prune.ours, 0)) | \(fmt(prune.ours / prune.raw, 2)) |")

        let ratio = prune.ours / prune.raw
        print(goalLine("fault-to-alert", measured: "\(fmt(worst, 1)) s", target: "<= scrape + evaluation + 5 s", met: worst <= budget))
        print(goalLine("journal-prune", measured: "\(fmt(ratio, 2))x", target: ">= 0.8x raw", met: ratio >= 0.8))
    }

    private func fault(_ what: String) async throws {
        let result = try await Subprocess.run(
            .path(FilePath(faultScript)), arguments: ["fault", what], output: .discarded, error: .string(limit: 1 << 16))
        guard result.terminationStatus.isSuccess else {
            throw ValidationError("\(faultScript) fault \(what): \(result.standardError)")
        }
    }
}

/// Simulated kiosks: each sends the contract's heartbeat and asks for its configuration bundle
/// every `beatSeconds` (spread over the interval), through one shared HTTP client.
struct HubLoad {
    let client: HTTPClient
    let hub: String
    let kiosks: Int
    let beatSeconds: Double

    struct Result {
        var latencies: [Double] = []
        var errors = 0
    }

    func run(seconds: Double) async throws -> Result {
        let deadline = ContinuousClock.now + .seconds(seconds)
        return try await withThrowingTaskGroup(of: Result.self) { group in
            for index in 0..<kiosks {
                group.addTask {
                    let id = String(format: "KIOSK-SIM-%04d", index + 1)
                    var result = Result()
                    try await Task.sleep(for: .seconds(beatSeconds * Double(index) / Double(kiosks)))
                    while ContinuousClock.now < deadline {
                        let next = ContinuousClock.now + .seconds(beatSeconds)
                        for request in try requests(id) {
                            let start = ContinuousClock.now
                            do {
                                let response = try await client.execute(request, timeout: .seconds(10))
                                _ = try await response.body.collect(upTo: 1 << 20)
                                if response.status.code >= 400 && response.status != .notFound { result.errors += 1 }
                                result.latencies.append((ContinuousClock.now - start).milliseconds)
                            } catch is CancellationError {
                                return result
                            } catch {
                                result.errors += 1
                            }
                        }
                        try await Task.sleep(until: next)
                    }
                    return result
                }
            }
            var total = Result()
            for try await part in group {
                total.latencies += part.latencies
                total.errors += part.errors
            }
            return total
        }
    }

    private func requests(_ id: String) throws -> [HTTPClientRequest] {
        let beat = HubHeartbeat(
            at: StoreTime.format(Date()), softwareVersion: KioskVersion.current, configVersion: 0, outOfService: false,
            maintenance: .init(on: false, reason: nil), journalHead: JournalHead(seq: 1, hash: String(repeating: "0", count: 64)),
            devices: [DeviceReport(device: .a4Printer, state: .ok, reasons: [], since: StoreTime.format(Date()))])
        var status = HTTPClientRequest(url: hub + "v1/kiosks/\(id)/status")
        status.method = .POST
        status.headers.add(name: "Content-Type", value: "application/json")
        status.headers.add(name: "X-Kiosk-Id", value: id)
        status.headers.add(name: "Idempotency-Key", value: UUID().uuidString)
        status.body = .bytes(ByteBuffer(bytes: Array(try JSONEncoder().encode(beat))))
        var config = HTTPClientRequest(url: hub + "v1/kiosks/\(id)/config")
        config.headers.add(name: "X-Kiosk-Id", value: id)
        return [status, config]
    }
}

/// The few Prometheus HTTP API answers the benchmark needs.
struct PrometheusAPI {
    let client: HTTPClient
    let base: String

    func json(_ path: String) async throws -> [String: Any] {
        let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    func firing(_ alert: String) async throws -> [String] {
        let alerts = ((try await json("api/v1/alerts")["data"] as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
        return alerts.compactMap { a in
            let labels = a["labels"] as? [String: String] ?? [:]
            return labels["alertname"] == alert && a["state"] as? String == "firing" ? labels["kiosk"] : nil
        }
    }

    /// When `kiosk`'s target was last scraped (the API lists targets in no fixed order).
    func lastScrape(of kiosk: String) async throws -> String {
        let targets = ((try await json("api/v1/targets")["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        let target = targets.first { ($0["labels"] as? [String: String])?["kiosk"] == kiosk }
        return target?["lastScrape"] as? String ?? ""
    }

    func lastEvaluation() async throws -> String {
        let groups = ((try await json("api/v1/rules")["data"] as? [String: Any])?["groups"] as? [[String: Any]]) ?? []
        return groups.first?["lastEvaluation"] as? String ?? ""
    }

    /// Seconds between two changes of `stamp`, observed by polling every 20 ms.
    func measureInterval(_ what: String, _ stamp: (PrometheusAPI) async throws -> String) async throws -> Double {
        var last = try await stamp(self)
        var changes: [ContinuousClock.Instant] = []
        let deadline = ContinuousClock.now + .seconds(180)
        while changes.count < 3 {
            guard ContinuousClock.now < deadline else { throw ValidationError("Prometheus's \(what) never moved") }
            try await Task.sleep(for: .milliseconds(20))
            let now = try await stamp(self)
            if now != last {
                changes.append(.now)
                last = now
            }
        }
        return (changes[2] - changes[0]).milliseconds / 2000
    }

    func until(seconds: Double, _ holds: (PrometheusAPI) async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try await !holds(self) {
            guard ContinuousClock.now < deadline else { throw ValidationError("Prometheus did not get there in \(seconds) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
