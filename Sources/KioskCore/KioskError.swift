/// The one error type that crosses module boundaries: a small code enum that callers switch
/// on, a plain message, and context added as the error travels up ("reading EF06", "kioskctl
/// devices"). Device and network errors are values, never crashes.
public struct KioskError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// pcscd is not running or not reachable.
        case pcscUnavailable
        /// A reader vanished or returned an error.
        case readerUnavailable
        /// No card in the reader (within the wait).
        case noCard
        /// The card was removed while it was being read.
        case cardRemoved
        /// The card is not a social security card.
        case notSocialSecurityCard
        /// The card answered something the protocol does not allow.
        case cardProtocol
        /// The card is blocked, expired or invalid.
        case cardRejected
        /// cupsd is not running or not reachable.
        case cupsUnavailable
        /// A printer or queue reported an error.
        case printer
        /// cupsd took a print job's document and went away before it answered: the paper may
        /// or may not come out, and nobody can tell which.
        case printOutcomeUnknown
        /// The hub could not be reached or answered with an error.
        case hubUnavailable
        case hub
        /// Configuration is malformed or refused.
        case configuration
        /// The local store is unusable.
        case store
        /// A timeout elapsed.
        case timeout
        /// Anything the caller passed that cannot be used.
        case invalidInput
        /// The camera cannot capture: none, its pipeline fails, it stops mid-capture, a frame is not a JPEG.
        case camera
    }

    public var code: Code
    public var message: String
    /// Where it happened, outermost first once travelled up.
    public var context: [String]

    public init(_ code: Code, _ message: String, context: [String] = []) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The same error with one more layer of context ("while listing readers").
    public func adding(context outer: String) -> KioskError {
        var copy = self
        copy.context.insert(outer, at: 0)
        return copy
    }

    public var description: String {
        context.isEmpty ? message : (context + [message]).joined(separator: ": ")
    }
}

extension KioskError {
    /// Runs `body`, adding `context` to any KioskError it throws.
    public static func during<T>(_ context: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as KioskError { throw error.adding(context: context) }
    }

    /// Runs on the caller's actor (an adapter's), so `body` may use its state.
    public static func during<T>(
        _ context: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        do { return try await body() } catch let error as KioskError { throw error.adding(context: context) }
    }
}
