/// The citizen-facing devices beyond the card and the printers: the QR scanner and the voice.
extension KioskConfiguration {
    /// The 2D scanner for the electronic social security card's QR code, in serial mode (a USB
    /// CDC-ACM port, or a real RS-232 line): one code per line, ended by CR or LF.
    public struct Scanner: Sendable, Equatable, Codable {
        /// The port, e.g. `/dev/ttyACM0`; empty: no scanner (the attract screen does not offer it).
        public var device: String = ""
        /// Line settings: bits per second (ignored by CDC-ACM ports), 7 or 8 data bits, parity
        /// `none`, `even` or `odd`, 1 or 2 stop bits.
        public var baud: Int = 9600
        public var dataBits: Int = 8
        public var parity: String = "none"
        public var stopBits: Int = 1
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case device, baud, dataBits, parity, stopBits }

        /// The rates a POSIX serial port can be set to.
        public static let rates = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200]
    }

    /// Every screen's prompt spoken (Mandarin, or English in an English session), for citizens
    /// who read slowly or not at all. espeak-ng synthesizes each prompt once into the cache;
    /// aplay plays it on the ALSA device. Both are child processes: kioskd stays small.
    public struct Voice: Sendable, Equatable, Codable {
        public var enabled = false
        /// The ALSA PCM (`aplay -D`): `default`, `plughw:CARD=PCH,DEV=0`, or a name from asound.conf.
        public var device = "default"
        /// 0–100: the prompts' loudness. The card-left reminder goes louder from there.
        public var volume = 80
        /// Synthesized prompts (WAV), by a hash of voice, loudness and text: never personal data.
        public var cacheDirectory = "/var/cache/kioskd/voice"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case enabled, device, volume, cacheDirectory }
    }
}

// A site file names only the keys it changes.
extension KioskConfiguration.Voice {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? enabled
        device = try c.decodeIfPresent(String.self, forKey: .device) ?? device
        volume = try c.decodeIfPresent(Int.self, forKey: .volume) ?? volume
        cacheDirectory = try c.decodeIfPresent(String.self, forKey: .cacheDirectory) ?? cacheDirectory
    }
}

extension KioskConfiguration.Scanner {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decodeIfPresent(String.self, forKey: .device) ?? device
        baud = try c.decodeIfPresent(Int.self, forKey: .baud) ?? baud
        dataBits = try c.decodeIfPresent(Int.self, forKey: .dataBits) ?? dataBits
        parity = try c.decodeIfPresent(String.self, forKey: .parity) ?? parity
        stopBits = try c.decodeIfPresent(Int.self, forKey: .stopBits) ?? stopBits
    }
}
