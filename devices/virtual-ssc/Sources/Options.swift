// Command line of virtual-ssc. Hand-parsed: the card must not depend on the daemon's packages,
// and the options are few.

struct Options {
    var profile: String = ""
    var host: String = "127.0.0.1"
    var port: UInt16 = 35963
    /// Answer this many command APDUs, then drop the connection on the next one (card pulled mid-read).
    var removeAfter: Int?
    var delayMilliseconds: Int = 0
    var forceT0 = false
    var quiet = false
    /// `--people DIR`: print the people.json entries for every profile in DIR instead of serving.
    var peopleDirectory: String?

    static let usage = """
        usage: virtual-ssc --profile NAME_OR_PATH [--host 127.0.0.1] [--port 35963] [--remove-after N]
                           [--delay-ms N] [--t0] [--quiet]
               virtual-ssc --people [PROFILES_DIR]
          Connects to pcscd's vpcd driver (= card inserted) and answers APDUs as a social security card
          until SIGTERM/SIGINT (= card removed). Port 35963 is reader "Virtual PCD 00 00", 35964 "00 01".
          NAME_OR_PATH: a JSON profile path, or a name looked up as NAME.json in $KIOSK_SSC_PROFILES,
          ./devices/virtual-ssc/profiles, then devices/virtual-ssc/profiles above the executable.
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
                guard n > 0, n <= 65535 else { throw UsageError(description: "--port must be 1...65535") }
                options.port = UInt16(n)
            case "--remove-after": options.removeAfter = try number(argument)
            case "--delay-ms": options.delayMilliseconds = try number(argument)
            case "--t0": options.forceT0 = true
            case "--quiet", "-q": options.quiet = true
            case "--people":
                // The directory is optional: take the next word unless it is another flag.
                if let next = rest.first, !next.hasPrefix("-") {
                    options.peopleDirectory = next
                    rest = rest.dropFirst()
                } else {
                    options.peopleDirectory = ""
                }
            case "--help", "-h": throw UsageError(description: usage)
            default: throw UsageError(description: "unknown argument '\(argument)'")
            }
        }
        if options.profile.isEmpty && options.peopleDirectory == nil {
            throw UsageError(description: "--profile is required")
        }
        return options
    }
}
