import KioskCore
import Synchronization

/// The card slot in process, for tests of orchestration: events the test sends, reads and PIN
/// checks answered from a script.
public final class FakeCardSlot: CardSlot {
    public struct Script: Sendable {
        /// What a read returns, or the error it throws (a pulled card: `.cardRemoved`).
        public var read: Result<SocialSecurityCard, KioskError> = .success(SessionFixtures.card)
        public var pin: PINResult = .verified
        /// A read takes this long (a slow card).
        public var readLatency: Duration = .zero
        public init() {}
    }

    private let state = Mutex((Script(), reads: 0, pins: [String]()))
    private let subscribers = Mutex<[Int: AsyncStream<CardEvent>.Continuation]>([:])
    private let nextSubscriber = Mutex(0)

    public init() {}

    public func script(_ change: (inout Script) -> Void) { state.withLock { change(&$0.0) } }
    public var reads: Int { state.withLock { $0.reads } }
    public var pinsEntered: [String] { state.withLock { $0.pins } }

    /// Sends an event to every subscriber.
    public func send(_ event: CardEvent) {
        for continuation in subscribers.withLock({ $0.values }) { continuation.yield(event) }
    }

    /// Only events sent from now on, like a monitor that has just started and sees an empty slot.
    public func events() -> AsyncStream<CardEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: CardEvent.self)
        let id = nextSubscriber.withLock {
            $0 += 1
            return $0
        }
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Tells `identified` first, then takes the read's latency: the hub lookup overlaps it, as
    /// it overlaps the rest of a real card's read.
    public func read(reader: String, atr: [UInt8], identified: @escaping @Sendable (CardIdentity) -> Void) async throws
        -> SocialSecurityCard
    {
        let script = state.withLock {
            $0.reads += 1
            return $0.0
        }
        if case .success(let card) = script.read, let holder = card.holder {
            identified(CardIdentity(ssn: holder.ssn, cardNumber: card.cardNumber, cardIdentifier: card.cardIdentifier))
        }
        if script.readLatency > .zero { try await Task.sleep(for: script.readLatency) }
        return try script.read.get()
    }

    public func verifyPIN(_ pin: String, reader: String) async throws -> PINResult {
        state.withLock {
            $0.pins.append(pin)
            return $0.0.pin
        }
    }

    /// Nothing of the fake is inside a C library: there is nothing to wait for.
    public func waitUntilStopped() async {}
}
