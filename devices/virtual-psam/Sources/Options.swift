// Command line of virtual-psam. Hand-parsed, as virtual-ssc's: the PSAM must not depend on the
// daemon's packages, and the options are few.

struct Options {
    var profile = "psam"
    var host = "127.0.0.1"
    var port: UInt16 = 35965
    var removeAfter: Int?
    var delayMilliseconds = 0
    var failure: UInt16?
    var forceT1 = false
    var quiet = false
    /// `--derive CARD_IDENTIFIER`: print the card key the PSAM's first key diversifies for it.
    var derive: String?

    static let usage = """
        usage: virtual-psam [--profile NAME_OR_PATH] [--host 127.0.0.1] [--port 35965] [--remove-after N]
                            [--delay-ms N] [--fail SW] [--t1] [--quiet]
               virtual-psam [--profile NAME_OR_PATH] --derive CARD_IDENTIFIER_HEX
          Connects to pcscd's vpcd driver (= PSAM inserted in the SAM slot) and answers APDUs as the
          terminal's PSAM until SIGTERM/SIGINT (= PSAM removed). Port 35965 is the rigs' reader
          "Virtual PSAM 00 00". --fail SW answers every CLA 80 command with SW (e.g. 6581).
          --derive prints the 16-byte key a generation-3 test card with that identifier holds.
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var rest = arguments[...]
        func value(_ flag: String) throws(UsageError) -> String {
            guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws(UsageError) -> Int {
            let text = try value(flag)
            guard let n = Int(text), n >= 0 else { throw UsageError(description: "\(flag) needs a number >= 0, got '\(text)'") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--profile": options.profile = try value(argument)
            case "--host": options.host = try value(argument)
            case "--port":
                let n = try number(argument)
                guard n > 0, n < 65536 else { throw UsageError(description: "--port needs 1-65535") }
                options.port = UInt16(n)
            case "--remove-after": options.removeAfter = try number(argument)
            case "--delay-ms": options.delayMilliseconds = try number(argument)
            case "--fail":
                let text = try value(argument)
                guard text.count == 4, let sw = UInt16(text, radix: 16) else {
                    throw UsageError(description: "--fail needs a status word in hex, e.g. 6581")
                }
                options.failure = sw
            case "--t1": options.forceT1 = true
            case "--quiet": options.quiet = true
            case "--derive": options.derive = try value(argument)
            case "-h", "--help": throw UsageError(description: usage)
            default: throw UsageError(description: "unknown argument '\(argument)'")
            }
        }
        return options
    }
}
