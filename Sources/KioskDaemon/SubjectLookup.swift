import KioskCore
import Synchronization

/// The hub's lookup of a card's holder, started mid-read as soon as the card has given its
/// identity: with a hub tens of milliseconds away, the lookup then costs the citizen only what
/// it outlasts the rest of the read. A failed lookup is nil (the session goes on without the
/// hub's view of the citizen, as when the hub is down).
final class SubjectLookup: Sendable {
    private let hub: any HubClient
    /// The lookup under way and whom it asks for.
    private let current = Mutex<(identity: CardIdentity, task: Task<HubSubject?, Never>)?>(nil)

    init(hub: any HubClient) { self.hub = hub }

    /// Starts the lookup; only the first call counts.
    func start(_ identity: CardIdentity) {
        current.withLock { current in
            guard current == nil else { return }
            current = (identity, Task { [hub] in try? await Self.resolve(identity, on: hub) })
        }
    }

    /// The hub's answer for `identity`: the lookup already under way if it asked the same, else
    /// one asked now.
    func subject(for identity: CardIdentity) async -> HubSubject? {
        let running = current.withLock { current -> Task<HubSubject?, Never>? in
            guard let current else { return nil }
            if current.identity == identity { return current.task }
            current.task.cancel()
            return nil
        }
        if let running {
            return await withTaskCancellationHandler {
                await running.value
            } onCancel: {
                running.cancel()
            }
        }
        return try? await Self.resolve(identity, on: hub)
    }

    /// The read failed or the session went away: nobody will want the answer.
    func cancel() { current.withLock { $0?.task.cancel() } }

    private static func resolve(_ identity: CardIdentity, on hub: any HubClient) async throws -> HubSubject {
        try await hub.resolveSubject(
            ssn: identity.ssn, cardNumber: identity.cardNumber, cardIdentifier: Hex.encode(identity.cardIdentifier))
    }
}
