import Foundation
import KioskHubSim

/// The reference hub in this process on a free loopback port, seeded from the repo.
func withHubSimulator<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
    let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
    return try await HubSimulator.withRunning(.init(port: 0, seedPath: seed), body)
}

/// The reference hub's test endpoints (/sim/…), as the end-to-end tests read and steer it.
enum HubSimControl {
    static func json(_ baseURL: String, _ path: String) async throws -> Any {
        let out = try await Rigs.tool("curl", ["-s", baseURL + path])
        return try JSONSerialization.jsonObject(with: Data(out.stdout.utf8))
    }

    static func setScenario(_ baseURL: String, _ scenario: String) async throws {
        _ = try await Rigs.tool(
            "curl", ["-s", "-X", "POST", "-H", "Content-Type: application/json", "-d", scenario, baseURL + "sim/scenario"])
    }
}
