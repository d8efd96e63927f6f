#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a virtual device's command line needs, hand-parsed: the devices must not depend on the
/// daemon's packages, and their options are few.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The arguments left to read, with the two ways an option takes its value.
public struct ArgumentCursor {
    private var rest: ArraySlice<String>

    public init(_ arguments: [String]) {
        rest = arguments[...]
    }

    public mutating func next() -> String? { rest.popFirst() }

    /// The next argument, left unread.
    public var upcoming: String? { rest.first }

    public mutating func value(_ flag: String) throws(UsageError) -> String {
        guard let next = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
        return next
    }

    public mutating func number(_ flag: String) throws(UsageError) -> Int {
        let text = try value(flag)
        guard let n = Int(text), n >= 0 else { throw UsageError("\(flag) needs a number >= 0, got '\(text)'") }
        return n
    }
}

public enum DeviceProcess {
    /// SIGTERM/SIGINT end the process; the kernel closes the socket and vpcd reports the card
    /// removed. A write to a closed socket is an error, not a signal.
    public static func start(label: String) {
        Log.label = label
        signal(SIGTERM) { _ in _exit(0) }
        signal(SIGINT) { _ in _exit(0) }
        signal(SIGPIPE, SIG_IGN)
    }

    public static func fail(_ message: String, code: Int32) -> Never {
        Log.line(message)
        exit(code)
    }

    /// Parses with `parse`; `--help` prints `usage` and exits 0, a bad argument exits 64.
    public static func options<T>(usage: String, _ parse: ([String]) throws(UsageError) -> T) -> T {
        do {
            return try parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            if error.description == usage {
                print(usage)
                exit(0)
            }
            fail("\(error.description)\n\(usage)", code: 64)
        }
    }
}
