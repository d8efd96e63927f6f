/// A delay per request: `milliseconds`, give or take up to `jitterMilliseconds` drawn uniformly
/// for each request, never below zero. A provincial hub is 20–100 ms away, and its answers vary.
public struct HubLatency: Sendable, Equatable {
    public var milliseconds: Int
    public var jitterMilliseconds: Int

    public init(milliseconds: Int = 0, jitterMilliseconds: Int = 0) {
        self.milliseconds = milliseconds
        self.jitterMilliseconds = jitterMilliseconds
    }

    func draw() -> Duration {
        let jitter = jitterMilliseconds > 0 ? Double.random(in: -1...1) * Double(jitterMilliseconds) : 0
        return .microseconds(Int64(max(0, (Double(milliseconds) + jitter) * 1000)))
    }
}
