import AsyncHTTPClient
import Foundation
import KioskCore
import Logging
import Metrics
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

extension HTTPHubClient {
    /// One contract call: breaker check, attempts with backoff, decoding. `key` (the
    /// Idempotency-Key) is what makes a POST safe to retry; a GET is safe by nature.
    func send<Out: Decodable>(_ method: HTTPMethod, _ path: String, body: Data?, key: String?, sensitive: Bool) async throws -> Out {
        // On the connections' event loop from here to the decoded answer: one hand-off in and one
        // out, where the library's async API alone makes four (EventLoopTaskExecutor).
        try await withTaskExecutorPreference(executor) {
            try await attempts(method, path, body: body, key: key, sensitive: sensitive)
        }
    }

    private func attempts<Out: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Data?, key: String?, sensitive: Bool
    ) async throws -> Out {
        let requestId = UUID().uuidString
        var log = loggerFor(requestId)
        let retryable = method == .GET || key != nil
        let attempts = retryable ? configuration.maxAttempts : 1
        var lastError: any Error = KioskError(.hubUnavailable, "the hub was not asked")
        for attempt in 1...attempts {
            guard await breakerAllows() else {
                throw KioskError(
                    .hubUnavailable, "the hub at \(configuration.baseURL) is marked down after repeated failures; retrying later")
            }
            let started = ContinuousClock.now
            var retryAfter: String?
            do {
                let (status, headers, data) = try await exchange(method, path, body: body, key: key, requestId: requestId)
                let ms = Int((ContinuousClock.now - started).milliseconds)
                log[metadataKey: "attempt"] = "\(attempt)"
                if status.code >= 500 || status == .tooManyRequests {
                    await recordFailure()
                    let problem = decodeProblem(status, headers, data, requestId)
                    log.warning("\(method.rawValue) \(path) → \(status.code) in \(ms) ms")
                    guard attempt < attempts else { throw problem }
                    lastError = problem
                    retryAfter = headers.first(name: "Retry-After")
                } else {
                    await recordSuccess()
                    log.debug("\(method.rawValue) \(path) → \(status.code) in \(ms) ms")
                    guard (200..<300).contains(status.code) else { throw decodeProblem(status, headers, data, requestId) }
                    return try decode(Out.self, headers, data, path: path)
                }
            } catch let error as HubProblem {
                throw error
            } catch {
                lastError = try await settle(error)
                log.warning("\(method.rawValue) \(path) failed: \(sensitive ? "transport error" : "\(error)")")
                guard attempt < attempts else { break }
            }
            // Outside the do: a Retry-After too long to honour ends the call with its own error.
            try await pause(before: attempt + 1, retryAfter: retryAfter)
        }
        throw lastError
    }

    /// A failed exchange, settled with the breaker. A contract violation (asking again gets the
    /// same answer) and a caller who gave up say nothing of the hub's health: the probe slot they
    /// may hold is freed and the call ends, a cancellation as `CancellationError`. Anything else
    /// counts against the hub and comes back as the error to report if no retry gets through.
    func settle(_ error: any Error) async throws -> KioskError {
        if let error = error as? KioskError, error.code == .hub {
            await recordAbandoned()
            throw error
        }
        if Task.isCancelled {
            await recordAbandoned()
            throw CancellationError()
        }
        await recordFailure()
        return (error as? KioskError) ?? KioskError(.hubUnavailable, "the hub at \(configuration.baseURL) is not reachable (\(error))")
    }

    /// One request and its whole answer, timed. Runs on `executor`: the library's future API
    /// answers on the connection's loop, which is where this code already is.
    func exchange(
        _ method: HTTPMethod, _ path: String, body: Data?, key: String?, requestId: String, headers extra: [(String, String)] = []
    ) async throws -> (HTTPResponseStatus, HTTPHeaders, Data) {
        // Every attempt, answered or not, by path template (never the ids in the path).
        let started = ContinuousClock.now
        defer { Self.recordDuration(path, since: started) }
        var headers = HTTPHeaders()
        headers.add(name: "X-Kiosk-Id", value: configuration.kioskId)
        headers.add(name: "X-Request-Id", value: requestId)
        headers.add(name: "Accept", value: "application/json, application/problem+json")
        if let key { headers.add(name: "Idempotency-Key", value: key) }
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = try HTTPClient.Request(
            url: configuration.baseURL + path, method: method, headers: headers, body: body.map { .bytes($0) })
        // The accumulator refuses an announced length over the limit before reading the body,
        // and stops reading one that grows past it.
        let limit = configuration.maxResponseBytes
        let task = http.execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: limit),
            deadline: .now() + .nanoseconds(configuration.requestTimeout.nanoseconds))
        do {
            // The future API knows nothing of Swift cancellation: a session that ends or a kioskd
            // that stops must not wait out a slow hub.
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return (response.status, response.headers, response.body.map { Data(buffer: $0) } ?? Data())
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw KioskError(.hub, "the hub's answer is larger than the \(limit) bytes this kiosk accepts; refused unread beyond that")
        }
    }

    private func decode<Out: Decodable>(_ type: Out.Type, _ headers: HTTPHeaders, _ data: Data, path: String) throws -> Out {
        let contentType = headers.first(name: "Content-Type") ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw KioskError(.hub, "the hub answered \(path) with '\(contentType)', not JSON")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw KioskError(.hub, "the hub answered \(path) with bytes that are not UTF-8")
        }
        do {
            return try JSONDecoder().decode(Out.self, from: data)
        } catch {
            throw KioskError(.hub, "the hub's answer to \(path) is not the contract's JSON")
        }
    }

    private func decodeProblem(_ status: HTTPResponseStatus, _ headers: HTTPHeaders, _ data: Data, _ requestId: String) -> HubProblem {
        if (headers.first(name: "Content-Type") ?? "").hasPrefix("application/problem+json"),
            var problem = try? JSONDecoder().decode(HubProblem.self, from: data)
        {
            problem.requestId = problem.requestId ?? requestId
            return problem
        }
        return HubProblem(
            status: Int(status.code), code: "http-\(status.code)", title: status.reasonPhrase,
            retryable: status.code >= 500 || status == .tooManyRequests, requestId: requestId)
    }

    /// Exponential backoff with full jitter; a Retry-After within the limit wins.
    private func pause(before attempt: Int, retryAfter: String?) async throws {
        if let seconds = retryAfter.flatMap(Int.init) {
            let wait = Duration.seconds(seconds)
            guard wait <= configuration.retryAfterMax else {
                throw KioskError(.hubUnavailable, "the hub asks to wait \(seconds) s; try again later")
            }
            try await Task.sleep(for: wait)
            return
        }
        let cap = min(configuration.backoffMax, configuration.backoffBase * (1 << min(attempt - 2, 10)))
        let jitter = Double.random(in: 0...1)
        try await Task.sleep(for: cap * jitter)
    }

    /// One hub request's time, answered or not, under its path template, in the swift-metrics
    /// Timer kioskd exports to Prometheus.
    static func recordDuration(_ path: String, since started: ContinuousClock.Instant) {
        let endpoint = endpointTemplate(path)
        if let timer = timers.withLock({ $0[endpoint] }) {
            timer.record(duration: .now - started)
            return
        }
        let timer = Timer(label: HubMetricNames.requestDuration, dimensions: [("endpoint", endpoint)])
        timer.record(duration: .now - started)
        // Kept once the metrics system is bootstrapped (a timer made before would stay a no-op):
        // making one asks the registry, a lock and a lookup, on every request otherwise.
        if !(MetricsSystem.factory is NOOPMetricsHandler) { timers.withLock { $0[endpoint] = timer } }
    }

    /// The request timers by endpoint template, made once each.
    private static let timers = Mutex<[String: Timer]>([:])

    /// The contract's paths as templates: the only values the `endpoint` label takes.
    public static let endpointTemplates: Set<String> = [
        "/v1/health", "/v1/subjects/resolve", "/v1/subjects/{subjectRef}/contributions", "/v1/subjects/{subjectRef}/pension-payments",
        "/v1/subjects/{subjectRef}/certificates", "/v1/verification-sessions", "/v1/verification-sessions/{sessionId}",
        "/v1/verification-sessions/{sessionId}/evidence", "/v1/verification-sessions/{sessionId}/cancel", "/v1/ratings",
        "/v1/journal", "/v1/kiosks/{kioskId}/status", "/v1/kiosks/{kioskId}/config",
    ]

    /// `path` with its identifier replaced by the template's name and its query dropped: a
    /// subjectRef must never become a label value. Anything else is "other".
    public static func endpointTemplate(_ path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var parts = bare.split(separator: "/").map(String.init)
        let names = ["subjects": "{subjectRef}", "verification-sessions": "{sessionId}", "kiosks": "{kioskId}"]
        if parts.count >= 3, let name = names[parts[1]], !(parts[1] == "subjects" && parts[2] == "resolve") { parts[2] = name }
        let template = "/" + parts.joined(separator: "/")
        return endpointTemplates.contains(template) ? template : "other"
    }

    private func loggerFor(_ requestId: String) -> Logger {
        var l = loggerCopy
        l[metadataKey: "request-id"] = "\(requestId)"
        return l
    }
}
