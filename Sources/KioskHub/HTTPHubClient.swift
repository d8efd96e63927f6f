import AsyncHTTPClient
import Foundation
import KioskCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The hub over HTTP(S) (docs/hub-contract.md). Every request carries `X-Kiosk-Id` and a
/// request id that every log line about it names; nothing personal is ever logged.
public struct HTTPHubClient: HubClient {
    public var baseURL: String
    public var kioskId: String
    public var requestTimeout: Duration
    private let httpClient: HTTPClient
    private let logger: Logger

    public init(
        baseURL: String, kioskId: String, requestTimeout: Duration = .seconds(5),
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "kioskd.hub")
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.kioskId = kioskId
        self.requestTimeout = requestTimeout
        self.httpClient = httpClient
        self.logger = logger
    }

    public func health() async throws -> HubHealth {
        let started = ContinuousClock.now
        let (status, body) = try await get("/v1/health", maxBytes: 64 * 1024)
        guard status == .ok else {
            throw KioskError(.hub, "hub health answered \(status.code)")
        }
        struct Body: Decodable { var status: String; var time: String }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body) else {
            throw KioskError(.hub, "hub health answered a body that is not the contract's JSON")
        }
        let elapsed = ContinuousClock.now - started
        return HubHealth(
            status: decoded.status, time: decoded.time,
            latencyMs: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }

    private func get(_ path: String, maxBytes: Int) async throws -> (HTTPResponseStatus, Data) {
        let requestId = UUID().uuidString
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "X-Kiosk-Id", value: kioskId)
        request.headers.add(name: "X-Request-Id", value: requestId)
        request.headers.add(name: "Accept", value: "application/json")
        var log = logger
        log[metadataKey: "request-id"] = "\(requestId)"
        do {
            let response = try await httpClient.execute(
                request,
                timeout: .nanoseconds(
                    Int64(requestTimeout.components.seconds) * 1_000_000_000 + requestTimeout.components.attoseconds / 1_000_000_000))
            let body = try await response.body.collect(upTo: maxBytes)
            log.debug("GET \(path) → \(response.status.code)")
            return (response.status, Data(buffer: body))
        } catch let error as KioskError {
            throw error
        } catch {
            log.debug("GET \(path) failed: \(error)")
            throw KioskError(.hubUnavailable, "the hub at \(baseURL) is not reachable (\(error))")
        }
    }
}
