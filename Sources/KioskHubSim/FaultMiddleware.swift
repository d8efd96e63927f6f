import Foundation
import Hummingbird
import NIOCore

/// Applies the hub's distance and the scenario to /v1 requests: latency first, then at most one
/// fault per request. Every /v1 request is logged ("METHOD path") so tests can count retries.
struct FaultMiddleware: RouterMiddleware {
    let state: HubState
    /// How far away the hub is, from its command line: every /v1 answer, health included, waits it.
    let distance: HubLatency

    func handle(
        _ request: Request, context: SimRequestContext, next: (Request, SimRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/") else { return try await next(request, context) }
        await state.log("\(request.method.rawValue) \(path)")
        let scenario = await state.scenario
        let delay = distance.draw() + scenario.latency.draw()
        if delay > .zero { try await Task.sleep(for: delay) }
        if path == "/v1/health" && !scenario.includeHealth { return try await next(request, context) }
        guard let fault = await state.takeFault() else { return try await next(request, context) }
        let id = request.requestId
        switch fault {
        case .serverError:
            return Reply.problem(
                .serviceUnavailable, code: "unavailable", title: "The hub is temporarily unavailable", retryable: true, requestId: id
            ).response
        case .rateLimited:
            return Reply.problem(
                .tooManyRequests, code: "rate-limited", title: "Too many requests", retryable: true, requestId: id,
                headers: [.retryAfter: "\(scenario.retryAfterSeconds)"]
            ).response
        case .malformedJSON:
            return Reply.raw(.ok, Data("{\"status\": \"ok\", \"time\": ".utf8), contentType: "application/json").response
        case .wrongContentType:
            return Reply.raw(.ok, Data("<html><body>gateway login</body></html>".utf8), contentType: "text/html").response
        case .invalidUTF8:
            return Reply.raw(.ok, Data([0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), contentType: "application/json")
                .response
        case .hugeBody:
            // 100 MB, streamed: a client that reads it all before checking is the bug this finds.
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(contentLength: 1600 * 64 * 1024) { writer in
                    for _ in 0..<1600 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        case .dropConnection:
            context.channel.close(promise: nil)
            throw HTTPError(.internalServerError)
        case .dropAfterStoring:
            _ = try await next(request, context)
            context.channel.close(promise: nil)
            throw HTTPError(.internalServerError)
        }
    }
}
