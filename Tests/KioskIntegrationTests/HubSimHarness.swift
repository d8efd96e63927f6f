import Foundation
import KioskHubSim

/// The reference hub in this process on a free loopback port, seeded from the repo.
func withHubSimulator<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
    let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
    return try await HubSimulator.withRunning(.init(port: 0, seedPath: seed), body)
}
