// Command line of virtual-psam. Hand-parsed, as virtual-ssc's: the PSAM must not depend on the
// daemon's packages, and the options are few.

import VirtualICC

struct Options {
    var profile = "psam"
    var host = "127.0.0.1"
    var port: UInt16 = 35965
    var removeAfter: Int?
    var delayMilliseconds = 0
    /// `--byte-us N` or `--baud-from-atr`: answer at a real card's pace.
    var timing: CardTiming.Choice = .instant
    var failure: UInt16?
    var forceT1 = false
    var quiet = false
    /// `--derive CARD_IDENTIFIER`: print the card key the PSAM's first key diversifies for it.
    var derive: String?

    static let usage = """
        usage: virtual-psam [--profile NAME_OR_PATH] [--host 127.0.0.1] [--port 35965] [--remove-after N]
                            [--delay-ms N] [--byte-us N | --baud-from-atr] [--fail SW] [--t1] [--quiet]
               virtual-psam [--profile NAME_OR_PATH] --derive CARD_IDENTIFIER_HEX
          Connects to pcscd's vpcd driver (= PSAM inserted in the SAM slot) and answers APDUs as the
          terminal's PSAM until SIGTERM/SIGINT (= PSAM removed). Port 35965 is the rigs' reader
          "Virtual PSAM 00 00". --fail SW answers every CLA 80 command with SW (e.g. 6581).
          --derive prints the 16-byte key a generation-3 test card with that identifier holds.
        """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var rest = ArgumentCursor(arguments)
        while let argument = rest.next() {
            switch argument {
            case "--profile": options.profile = try rest.value(argument)
            case "--host": options.host = try rest.value(argument)
            case "--port":
                let n = try rest.number(argument)
                guard n > 0, n < 65536 else { throw UsageError("--port needs 1-65535") }
                options.port = UInt16(n)
            case "--remove-after": options.removeAfter = try rest.number(argument)
            case "--delay-ms": options.delayMilliseconds = try rest.number(argument)
            case "--byte-us", "--baud-from-atr": options.timing = try rest.timing(argument) ?? .instant
            case "--fail":
                let text = try rest.value(argument)
                guard text.count == 4, let sw = UInt16(text, radix: 16) else {
                    throw UsageError("--fail needs a status word in hex, e.g. 6581")
                }
                options.failure = sw
            case "--t1": options.forceT1 = true
            case "--quiet": options.quiet = true
            case "--derive": options.derive = try rest.value(argument)
            case "-h", "--help": throw UsageError(usage)
            default: throw UsageError("unknown argument '\(argument)'")
            }
        }
        return options
    }
}
