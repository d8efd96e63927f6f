/// The hub circuit breaker as a pure state machine: outcomes and the time in, a decision and a
/// `HubStatus` out. `failureThreshold` consecutive failures open it; after `openFor` one probe
/// is let through (half-open); its success closes the breaker, its failure opens it again.
public struct HubBreaker: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probing: Bool)
    }

    public var failureThreshold: Int
    public var openFor: Duration
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    public init(failureThreshold: Int = 3, openFor: Duration = .seconds(10)) {
        self.failureThreshold = failureThreshold
        self.openFor = openFor
    }

    public var status: HubStatus {
        switch state {
        case .closed(let failures): return failures == 0 ? .up : .degraded
        case .open, .halfOpen: return .down
        }
    }

    /// May a request go out now? In half-open state only one probe at a time.
    public mutating func allowRequest(now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(probing: true)
            return true
        case .halfOpen(let probing):
            if probing { return false }
            state = .halfOpen(probing: true)
            return true
        }
    }

    /// A request that ended without telling anything of the hub's health (its caller gave up, or
    /// the answer broke the contract): the probe slot it may hold is freed for the next request.
    /// Nothing else changes; without this a cancelled probe kept the breaker down for good.
    public mutating func abandonProbe() {
        if case .halfOpen(probing: true) = state { state = .halfOpen(probing: false) }
    }

    public mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    public mutating func recordFailure(now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= failureThreshold ? .open(until: now + openFor) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen, .open:
            state = .open(until: now + openFor)
        }
    }
}
