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
