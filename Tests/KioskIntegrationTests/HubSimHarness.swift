import Foundation
import Hummingbird
import KioskHubSim
import ServiceLifecycle
import Testing

/// Runs the reference hub in this process on a free loopback port, for as long as `body` runs.
/// It is a real HTTP server: clients reach it over TCP like any hub.
func withHubSimulator<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
    let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
    let app = try HubSimulator.buildApplication(.init(host: "127.0.0.1", port: 0, seedPath: seed)) { port in
        portContinuation.yield(port)
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        defer { group.cancelAll() }
        return try await body("http://127.0.0.1:\(port)/")
    }
}
