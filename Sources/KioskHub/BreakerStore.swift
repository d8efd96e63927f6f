import KioskCore

/// The breaker's state behind an actor, and its status published to every subscriber (the
/// session engine, the status screen, metrics): each gets the current status, then changes.
actor BreakerStore {
    private var breaker: HubBreaker
    private var subscribers: [Int: AsyncStream<HubStatus>.Continuation] = [:]
    private var nextId = 0

    init(_ breaker: HubBreaker) { self.breaker = breaker }

    var status: HubStatus { breaker.status }

    func allow() -> Bool { publishing { $0.allowRequest(now: .now) } }
    func success() { publishing { $0.recordSuccess() } }
    func failure() { publishing { $0.recordFailure(now: .now) } }

    private func publishing<T>(_ change: (inout HubBreaker) -> T) -> T {
        let before = breaker.status
        let result = change(&breaker)
        if breaker.status != before {
            for continuation in subscribers.values { continuation.yield(breaker.status) }
        }
        return result
    }

    nonisolated func updates() -> AsyncStream<HubStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: HubStatus.self, bufferingPolicy: .bufferingNewest(8))
        Task { await self.subscribe(continuation) }
        return stream
    }

    private func subscribe(_ continuation: AsyncStream<HubStatus>.Continuation) {
        let id = nextId
        nextId += 1
        subscribers[id] = continuation
        continuation.yield(breaker.status)
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }
}
