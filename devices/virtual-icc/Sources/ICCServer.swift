#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A chip card as vpcd sees it: an answer to reset, APDUs in and out, and power events.
public protocol VirtualICC {
    var atr: [UInt8] { get }
    /// Power off, power on or reset: the card forgets its volatile state.
    mutating func reset()
    mutating func respond(to command: [UInt8]) -> ResponseAPDU
}

/// Serves one card session over vpcd: control messages, APDUs, the injected faults and the log.
public final class ICCServer<Card: VirtualICC> {
    public struct Faults {
        /// After answering this many command APDUs, drop the connection instead of answering the next.
        public var removeAfter: Int?
        public var delayMilliseconds = 0
        /// The line's pace: every answer waits as long as a real card's I/O line would take.
        public var timing: CardTiming.Choice = .instant

        public init(removeAfter: Int? = nil, delayMilliseconds: Int = 0, timing: CardTiming.Choice = .instant) {
            self.removeAfter = removeAfter
            self.delayMilliseconds = delayMilliseconds
            self.timing = timing
        }
    }

    private let link: VpcdLink
    private var card: Card
    private let faults: Faults
    private let quiet: Bool
    private let timing: CardTiming
    private var answered = 0

    public init(link: VpcdLink, card: Card, faults: Faults, quiet: Bool) {
        self.link = link
        self.card = card
        self.faults = faults
        self.quiet = quiet
        timing = CardTiming(faults.timing, atr: card.atr)
        if timing.byteMicroseconds > 0 {
            Log.line("answering at \(timing.byteMicroseconds) µs a byte, \(timing.overheadBytes) protocol byte(s) an exchange")
        }
    }

    /// Runs until the card is removed by the fault (returns 0) or vpcd goes away (returns 1).
    public func run() -> Int32 {
        // vpcd serves one card per port: a second client waits in the backlog and hears nothing.
        // pcscd polls the ATR within a second, so silence means the reader is taken.
        if !link.waitReadable(seconds: 3) {
            Log.line("no message from vpcd after 3 s: is another card already in this reader? still waiting")
        }
        while true {
            let message: [UInt8]
            do {
                guard let received = try link.receiveMessage() else {
                    Log.line("vpcd closed the connection (pcscd stopped?)")
                    return 1
                }
                message = received
                if message.count > 1 {
                    guard try answerAPDU(message) else { return 0 }
                } else if let control = message.first {
                    try handleControl(control)
                }
            } catch {
                Log.line("\(error)")
                return 1
            }
        }
    }

    /// vpcd control bytes: 0 power off, 1 power on, 2 reset, 4 "send the ATR" (also its presence poll).
    private func handleControl(_ control: UInt8) throws(VpcdLink.LinkError) {
        switch control {
        case 0x00, 0x01, 0x02:
            card.reset()
            if !quiet { Log.line(["power off", "power on", "reset"][Int(control)]) }
        case 0x04:
            try link.sendMessage(card.atr)
        default:
            Log.line("unknown vpcd control byte \(control), ignored")
        }
    }

    /// Answers one command APDU; false when the remove fault fires instead.
    private func answerAPDU(_ command: [UInt8]) throws(VpcdLink.LinkError) -> Bool {
        // vpcd (3.3) turns the closed socket into an empty answer for the command in flight; the
        // next transmit fails and pcscd then reports the card removed.
        if let limit = faults.removeAfter, answered >= limit {
            Log.line("fault: card removed after \(answered) APDUs, before answering \(Hex.string(command))")
            link.disconnect()
            return false
        }
        let response = card.respond(to: command).bytes
        let lineMicroseconds = timing.microseconds(command: command.count, response: response.count)
        if faults.delayMilliseconds > 0 || lineMicroseconds > 0 {
            usleep(UInt32(faults.delayMilliseconds * 1000 + lineMicroseconds))
        }
        try link.sendMessage(response)
        answered += 1
        // Hex only: the holder's data stays encoded in the log.
        if !quiet { Log.line("\(Hex.string(command)) -> \(Hex.string(response))") }
        return true
    }
}

/// One line per event on stderr, written straight to fd 2 so lines are not buffered or interleaved.
public enum Log {
    /// The program's name at the start of every line.
    nonisolated(unsafe) public static var label = "virtual-icc"

    public static func line(_ text: String) {
        let bytes = Array("\(label): \(text)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
