import KioskCore
import Synchronization

/// The breaker's state behind a lock (every request passes here twice, so no actor hop), and its
/// status published to every subscriber (the session engine, the status screen, metrics): each
/// gets the current status, then changes.
final class BreakerStore: Sendable {
    private struct State {
        var breaker: HubBreaker
        var subscribers: [Int: AsyncStream<HubStatus>.Continuation] = [:]
        var nextId = 0
    }

    private let state: Mutex<State>

    init(_ breaker: HubBreaker) { state = Mutex(State(breaker: breaker)) }

    var status: HubStatus { state.withLock { $0.breaker.status } }

    func allow() -> Bool { publishing { $0.allowRequest(now: .now) } }
    func success() { publishing { $0.recordSuccess() } }
    func failure() { publishing { $0.recordFailure(now: .now) } }
    func abandoned() { publishing { $0.abandonProbe() } }

    private func publishing<T>(_ change: (inout HubBreaker) -> T) -> T {
        state.withLock { s in
            let before = s.breaker.status
            let result = change(&s.breaker)
            if s.breaker.status != before {
                for continuation in s.subscribers.values { continuation.yield(s.breaker.status) }
            }
            return result
        }
    }

    func updates() -> AsyncStream<HubStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: HubStatus.self, bufferingPolicy: .bufferingNewest(8))
        let id = state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.subscribers[id] = continuation
            continuation.yield(s.breaker.status)
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) } }
        return stream
    }
}
