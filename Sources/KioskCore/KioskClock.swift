/// Time as the orchestration sees it: the instant an event is handled, and waiting. The daemon
/// runs on `SystemClock`; tests of the runner step a manual one, so retries and timeouts need
/// no real waiting.
public protocol KioskClock: Sendable {
    func now() -> SessionTime
    func sleep(for duration: Duration) async throws
}

/// The machine's clocks: uptime for durations, the wall clock for what people read.
public struct SystemClock: KioskClock {
    public init() {}
    public func now() -> SessionTime { .current() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
