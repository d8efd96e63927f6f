import Foundation
import KioskConfig
import KioskCore

/// The supervisor's in-tray: bundles and rollbacks from the control socket and the hub poller,
/// handled one at a time. Each caller waits for its own outcome.
public final class ConfigDesk: Sendable {
    public enum Request: Sendable {
        case apply(Data, source: String, uid: UInt32?, reply: @Sendable (ConfigOutcome) -> Void)
        case rollback(uid: UInt32?, reply: @Sendable (ConfigOutcome) -> Void)
        /// A front's service group ended without being asked to: the daemon must stop.
        case generationEnded(String)
        /// The store's disk crossed its floor, one way or the other: a serving front must stop
        /// taking citizens, or one out of service for the disk can serve again. The supervisor
        /// starts a front of the running configuration in its place, between citizens.
        case restartFront(String)
    }

    public let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation

    public init() {
        (requests, continuation) = AsyncStream.makeStream(of: Request.self)
    }

    public func apply(_ bundle: Data, source: String, uid: UInt32?) async -> ConfigOutcome {
        await withCheckedContinuation { reply in submit(bundle, source: source, uid: uid) { reply.resume(returning: $0) } }
    }

    /// Hands a bundle over without waiting: the hub poller runs inside the front that an apply
    /// stops, so it must not wait for the outcome.
    public func submit(_ bundle: Data, source: String, uid: UInt32?, reply: @escaping @Sendable (ConfigOutcome) -> Void) {
        let request = Request.apply(bundle, source: source, uid: uid, reply: reply)
        if case .terminated = continuation.yield(request) { request.decline("kioskd is stopping") }
    }

    public func rollback(uid: UInt32?) async -> ConfigOutcome {
        await withCheckedContinuation { reply in
            let request = Request.rollback(uid: uid) { reply.resume(returning: $0) }
            if case .terminated = continuation.yield(request) { request.decline("kioskd is stopping") }
        }
    }

    public func generationEnded(_ why: String) { continuation.yield(.generationEnded(why)) }

    public func restartFront(_ why: String) { continuation.yield(.restartFront(why)) }

    /// No more requests: the ones still queued are answered "stopping" by the supervisor.
    public func close() { continuation.finish() }
}

extension ConfigDesk.Request {
    /// Answers a request the supervisor will not handle.
    public func decline(_ reason: String) {
        switch self {
        case .apply(_, _, _, let reply), .rollback(_, let reply): reply(ConfigOutcome(.refused, reason: reason, retryLater: true))
        case .generationEnded, .restartFront: break
        }
    }
}
