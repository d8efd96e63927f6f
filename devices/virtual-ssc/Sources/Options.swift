// Command line of virtual-ssc. Hand-parsed: the card must not depend on the daemon's packages,
// and the options are few.

import VirtualICC

struct Options {
    var profile: String = ""
    var host: String = "127.0.0.1"
    var port: UInt16 = 35963
    /// Answer this many command APDUs, then drop the connection on the next one (card pulled mid-read).
    var removeAfter: Int?
    var delayMilliseconds: Int = 0
    /// `--byte-us N` or `--baud-from-atr`: answer at a real card's pace.
    var timing: CardTiming.Choice = .instant
    var forceT0 = false
    var quiet = false
    /// `--people DIR`: print the people.json entries for every profile in DIR instead of serving.
    var peopleDirectory: String?

    static let usage = """
        usage: virtual-ssc --profile NAME_OR_PATH [--host 127.0.0.1] [--port 35963] [--remove-after N]
                           [--delay-ms N] [--byte-us N | --baud-from-atr] [--t0] [--quiet]
               virtual-ssc --people [PROFILES_DIR]
          Connects to pcscd's vpcd driver (= card inserted) and answers APDUs as a social security card
          until SIGTERM/SIGINT (= card removed). Port 35963 is reader "Virtual PCD 00 00", 35964 "00 01".
          NAME_OR_PATH: a JSON profile path, or a name looked up as NAME.json in $KIOSK_SSC_PROFILES,
          ./devices/virtual-ssc/profiles, then devices/virtual-ssc/profiles above the executable.
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
                guard n > 0, n <= 65535 else { throw UsageError("--port must be 1...65535") }
                options.port = UInt16(n)
            case "--remove-after": options.removeAfter = try rest.number(argument)
            case "--delay-ms": options.delayMilliseconds = try rest.number(argument)
            case "--byte-us", "--baud-from-atr": options.timing = try rest.timing(argument) ?? .instant
            case "--t0": options.forceT0 = true
            case "--quiet", "-q": options.quiet = true
            case "--people":
                // The directory is optional: take the next word unless it is another flag.
                if let next = rest.upcoming, !next.hasPrefix("-") {
                    options.peopleDirectory = rest.next()
                } else {
                    options.peopleDirectory = ""
                }
            case "--help", "-h": throw UsageError(usage)
            default: throw UsageError("unknown argument '\(argument)'")
            }
        }
        if options.profile.isEmpty && options.peopleDirectory == nil {
            throw UsageError("--profile is required")
        }
        return options
    }
}
