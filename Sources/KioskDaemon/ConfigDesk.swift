import Foundation

/// What became of a bundle or a rollback; the control socket's answer to kioskctl.
public struct ConfigOutcome: Codable, Sendable, Equatable {
    public enum Result: String, Codable, Sendable {
        /// Verified, swapped in between citizens, healthy: the kiosk runs it now.
        case applied
        /// Not taken: the reason says why; the running configuration is untouched.
        case refused
        /// Taken, but the kiosk was not healthy with it: the previous one runs again.
        case rolledBack = "rolled-back"
        /// Already running this version (a hub pull that brought nothing new).
        case unchanged
    }

    public var result: Result
    /// The version concerned (the bundle's; for a rollback, the version now running, 0 = site file only).
    public var version: Int?
    public var reason: String?
    /// A refusal for a passing reason (the kiosk busy or stopping, the store or disk failing):
    /// the same bundle may well be taken later, so the hub poller asks for it again.
    public var retryLater: Bool?

    public init(_ result: Result, version: Int? = nil, reason: String? = nil, retryLater: Bool? = nil) {
        self.result = result
        self.version = version
        self.reason = reason
        self.retryLater = retryLater
    }
}

/// The supervisor's in-tray: bundles and rollbacks from the control socket and the hub poller,
/// handled one at a time. Each caller waits for its own outcome.
final class ConfigDesk: Sendable {
    enum Request: Sendable {
        case apply(Data, source: String, uid: UInt32?, reply: @Sendable (ConfigOutcome) -> Void)
        case rollback(uid: UInt32?, reply: @Sendable (ConfigOutcome) -> Void)
        /// A front's service group ended without being asked to: the daemon must stop.
        case generationEnded(String)
    }

    let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation

    init() {
        (requests, continuation) = AsyncStream.makeStream(of: Request.self)
    }

    func apply(_ bundle: Data, source: String, uid: UInt32?) async -> ConfigOutcome {
        await withCheckedContinuation { reply in submit(bundle, source: source, uid: uid) { reply.resume(returning: $0) } }
    }

    /// Hands a bundle over without waiting: the hub poller runs inside the front that an apply
    /// stops, so it must not wait for the outcome.
    func submit(_ bundle: Data, source: String, uid: UInt32?, reply: @escaping @Sendable (ConfigOutcome) -> Void) {
        let request = Request.apply(bundle, source: source, uid: uid, reply: reply)
        if case .terminated = continuation.yield(request) { request.decline("kioskd is stopping") }
    }

    func rollback(uid: UInt32?) async -> ConfigOutcome {
        await withCheckedContinuation { reply in
            let request = Request.rollback(uid: uid) { reply.resume(returning: $0) }
            if case .terminated = continuation.yield(request) { request.decline("kioskd is stopping") }
        }
    }

    func generationEnded(_ why: String) { continuation.yield(.generationEnded(why)) }

    /// No more requests: the ones still queued are answered "stopping" by the supervisor.
    func close() { continuation.finish() }
}

extension ConfigDesk.Request {
    /// Answers a request the supervisor will not handle.
    func decline(_ reason: String) {
        switch self {
        case .apply(_, _, _, let reply), .rollback(_, let reply): reply(ConfigOutcome(.refused, reason: reason, retryLater: true))
        case .generationEnded: break
        }
    }
}

/// `GET /v1/status` on the control socket.
public struct KioskStatusAnswer: Codable, Sendable {
    public var kioskId: String
    public var softwareVersion: String
    public var maintenance: KioskControlState.Maintenance
    public var idle: Bool
    public var config: ConfigStatus
}
