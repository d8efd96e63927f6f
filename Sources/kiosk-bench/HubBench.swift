import ArgumentParser
import AsyncHTTPClient
import Foundation
import KioskCore
import KioskHub
import KioskHubSim
import NIOCore
import NIOHTTP1

/// `kiosk-bench hub`: our client's request overhead against curl fetching the same simulator
/// endpoint in the same run, and journal batch upload throughput.
struct HubBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hub", abstract: "Hub client: ours vs curl; journal upload rate.")

    @Option(help: "Requests per side.") var requests = 300
    @Option(help: "Journal records to upload.") var records = 20_000
    @Option(help: "Records per batch.") var batch = 200
    @Option(help: "Seed file.") var seed = "devices/hub-seed/citizens.json"

    func run() async throws {
        let requests = self.requests, records = self.records, batch = self.batch
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let client = try HTTPHubClient(HubClientConfiguration(baseURL: url, kioskId: "KIOSK-BENCH-0001"))
            // Our client keeps its connection; so does curl when given every URL in one run
            // (--parallel off, keep-alive): both measure request overhead, not TCP setup.
            for _ in 0..<20 { _ = try await client.health() }
            var ours: [Double] = []
            for _ in 0..<requests {
                let start = ContinuousClock.now
                _ = try await client.health()
                ours.append((ContinuousClock.now - start).milliseconds)
            }
            // The library alone: AsyncHTTPClient with the same headers, no retries, breaker or decoding.
            let raw = HTTPClient(eventLoopGroupProvider: .singleton)
            var ahc: [Double] = []
            for i in 0..<(requests + 20) {
                var request = HTTPClientRequest(url: url + "v1/health")
                request.headers.add(name: "X-Kiosk-Id", value: "KIOSK-BENCH-0001")
                let start = ContinuousClock.now
                let response = try await raw.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 1 << 20)
                if i >= 20 { ahc.append((ContinuousClock.now - start).milliseconds) }
            }
            try await raw.shutdown()
            let library = Sample(values: ahc)
            let curl = Sample(values: try curlRun(url: url + "v1/health", count: requests))
            let o = Sample(values: ours)
            let ratio = o.median / curl.median

            // Journal upload: batches of records shaped like the journal's.
            let started = ContinuousClock.now
            var prev = String(repeating: "0", count: 64)
            var seq = 0
            while seq < records {
                var chunk: [Data] = []
                for _ in 0..<batch {
                    seq += 1
                    let hash = String(format: "%064x", seq)
                    chunk.append(
                        Data(
                            #"{"hash":"\#(hash)","kind":"service-outcome","kioskId":"KIOSK-BENCH-0001","payload":{"service":"certificate","outcome":"printed"},"prevHash":"\#(prev)","seq":\#(seq),"sessionId":"s","time":"2026-11-22T00:00:00Z"}"#
                                .utf8))
                    prev = hash
                }
                _ = try await client.postJournal(recordsJSON: chunk, key: "bench-\(seq)")
            }
            let seconds = (ContinuousClock.now - started).milliseconds / 1000
            await client.shutdown()

            print("hub client: \(requests) GET /v1/health a side against kiosk-hub-sim on loopback")
            print("| path | median ms | p95 ms | ratio |")
            print("|---|---|---|---|")
            print("| curl, one process, keep-alive (baseline) | \(fmt(curl.median)) | \(fmt(curl.percentile(95))) | 1.00 |")
            print(
                "| AsyncHTTPClient alone (same request) | \(fmt(library.median)) | \(fmt(library.percentile(95))) | \(fmt(library.median / curl.median, 2)) |"
            )
            print("| HTTPHubClient | \(fmt(o.median)) | \(fmt(o.percentile(95))) | \(fmt(ratio, 2)) |")
            print("journal upload: \(records) records in batches of \(batch): \(fmt(Double(records) / seconds, 0)) records/s")
            print(goalLine("hub-request-overhead", measured: "\(fmt(ratio, 2))x curl", target: "<= 1.2x curl", met: ratio <= 1.2))
        }
    }

    /// Runs one curl process fetching `url` `count` times over one kept-alive connection;
    /// returns each transfer's time in ms as curl measured it (time_total).
    private func curlRun(url: String, count: Int) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        let args = ["-s", "-H", "X-Kiosk-Id: KIOSK-BENCH-0001", "-w", "%{time_total}\\n"]
        process.arguments = args + Array(repeating: ["-o", "/dev/null", url], count: count + 20).flatMap { $0 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }.dropFirst(20).map { $0 * 1000 }
    }
}
