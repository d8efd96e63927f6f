/// Turns a serial scanner's bytes into scans. A scanner in serial mode sends each code followed
/// by its suffix (CR, LF or CR LF, as configured in the scanner); one configured without a
/// suffix is ended by a pause (`flush()` after no byte for a moment). Pure, so every byte
/// sequence is tested and fuzzed without a port.
public struct ScanLineDecoder: Sendable {
    /// More than this without an end is not a code: it is dropped up to the next end, and said
    /// once as unreadable (a flood of noise must not grow the buffer).
    public static let maximumLine = 4096
    private var line: [UInt8] = []
    private var overflowed = 0

    public init() {}

    /// Whether bytes of an unfinished line are waiting.
    public var hasPending: Bool { !line.isEmpty || overflowed > 0 }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScanEvent] {
        var events: [ScanEvent] = []
        for byte in bytes {
            if byte == 0x0D || byte == 0x0A {
                if let event = endLine() { events.append(event) }
            } else if overflowed > 0 {
                overflowed += 1
            } else if line.count >= Self.maximumLine {
                overflowed = line.count + 1
                line = []
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// The pause after a scan without a suffix: what is waiting is a whole scan.
    public mutating func flush() -> [ScanEvent] { endLine().map { [$0] } ?? [] }

    private mutating func endLine() -> ScanEvent? {
        defer {
            line = []
            overflowed = 0
        }
        if overflowed > 0 { return .unreadable(bytes: overflowed) }
        guard !line.isEmpty else { return nil }  // the LF of a CR LF, or a blank line
        guard let text = String(validating: line, as: UTF8.self), ScanEvent.isToken(text) else {
            return .unreadable(bytes: line.count)
        }
        return .code(text)
    }
}

/// The 2D scanner: scans, and its port coming and going. One consumer (the citizen front).
public protocol CodeScanner: Sendable {
    /// Starts reading; `.connected` / `.disconnected` as the port opens and closes (it is
    /// opened again while it is away). Ends when the consuming task is cancelled.
    func events() -> AsyncStream<ScanEvent>
}
