import AsyncHTTPClient
import Foundation
import KioskCore
import KioskHub
import KioskHubSim
import KioskTesting
import NIOCore
import Testing

enum HubFixtures {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seed = repo.appendingPathComponent("devices/hub-seed/citizens.json").path
    /// 张三, the gen2 virtual card's holder.
    static let ssn = "11010519491231002X"
    static let cardNumber = "X00000019"

    static var cardIdentifier: String {
        let people =
            try! JSONSerialization.jsonObject(with: Data(contentsOf: repo.appendingPathComponent("devices/virtual-ssc/people.json")))
            as! [[String: Any]]
        return people.first { $0["profile"] as? String == "gen2" }!["cardIdentifier"] as! String
    }

    static func client(_ url: String, _ tweak: (inout HubClientConfiguration) -> Void = { _ in }) throws -> HTTPHubClient {
        var c = HubClientConfiguration(baseURL: url, kioskId: "KIOSK-TEST-0001")
        c.backoffBase = .milliseconds(20)
        c.requestTimeout = TestTime.scaled(.seconds(3))
        tweak(&c)
        return try HTTPHubClient(c)
    }

    /// Runs the simulator and a client against it; shuts the client down afterwards.
    static func withHub<T: Sendable>(
        _ tweak: @escaping @Sendable (inout HubClientConfiguration) -> Void = { _ in },
        _ body: @Sendable (HTTPHubClient, SimControl) async throws -> T
    ) async throws -> T {
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            let client = try client(url, tweak)
            do {
                let result = try await body(client, SimControl(baseURL: url))
                await client.shutdown()
                return result
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }
}

/// The simulator's /sim controls, over HTTP like any test harness would use them.
struct SimControl: Sendable {
    let baseURL: String

    func scenario(_ json: String) async throws {
        _ = try await request("POST", "sim/scenario", body: json)
    }

    func requests() async throws -> [String] {
        let data = try await request("GET", "sim/requests")
        return (try JSONSerialization.jsonObject(with: data) as? [String: [String]])?["requests"] ?? []
    }

    func json(_ path: String) async throws -> Any {
        try JSONSerialization.jsonObject(with: try await request("GET", path))
    }

    @discardableResult
    func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Data {
        var r = HTTPClientRequest(url: baseURL + path)
        r.method = .RAW(value: method)
        for (k, v) in headers { r.headers.add(name: k, value: v) }
        if let body {
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .milliseconds(Int64(5000 * TestTime.scale)))
        return Data(buffer: try await response.body.collect(upTo: 1 << 22))
    }
}

extension SimControl {
    /// Status and content type of one request with the kiosk's headers and an empty JSON body.
    func probe(_ method: String, _ path: String) async throws -> (Int, String) {
        var r = HTTPClientRequest(url: baseURL + path + (path.hasSuffix("pension-payments") ? "?year=2025" : ""))
        r.method = .RAW(value: method)
        r.headers.add(name: "X-Kiosk-Id", value: "KIOSK-TEST-0001")
        if method == "POST" {
            r.headers.add(name: "Idempotency-Key", value: UUID().uuidString)
            r.headers.add(name: "Content-Type", value: "application/json")
            r.body = .bytes(ByteBuffer(string: "{}"))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .milliseconds(Int64(5000 * TestTime.scale)))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "")
    }
}
