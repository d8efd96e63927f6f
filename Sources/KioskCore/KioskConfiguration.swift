/// The kiosk's configuration as the daemon uses it: read from YAML in kiosk-config/ by the
/// daemon's loader, validated, then passed around as this value. Every field has a default so a
/// site file names only what differs.
public struct KioskConfiguration: Sendable, Equatable, Codable {
    public struct Kiosk: Sendable, Equatable, Codable {
        /// The id the hub knows this kiosk by (`X-Kiosk-Id`).
        public var id: String = "KIOSK-DEMO-0001"
        /// The hall shown on the status line and printed on receipts.
        public var hall: String = "示范市人力资源和社会保障局服务大厅"
        /// The kiosk's own locale: screens, guides and paper, for every citizen who chooses none.
        public var locale: String = "zh-CN"
        /// The locales a citizen may switch their own session to with the language key, in the
        /// key's order (the kiosk's own locale is always offered, first). One turns the key off.
        public var languages: [String] = ["zh-CN", "en"]
        /// The fleet groups this kiosk belongs to: a signed bundle targets a kiosk id or a group.
        public var groups: [String] = []
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case id, hall, locale, languages, groups }

        /// `locale` first, then the other `languages` in their order, each once.
        public var offeredLocales: [String] {
            var offered = [locale]
            for language in languages where !offered.contains(language) { offered.append(language) }
            return offered
        }

        /// A locale tag as the files are named: `zh-CN`, `en`, `ug`, `bo-CN`.
        public static func isLocaleTag(_ tag: String) -> Bool {
            let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
            guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                return false
            }
            return parts.dropFirst().allSatisfy {
                (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
        }
    }

    public struct Hub: Sendable, Equatable, Codable {
        public var url: String = "http://127.0.0.1:8480/"
        public var timeoutSeconds: Double = 5
        /// mTLS: this kiosk's certificate and key (PEM paths), and the CA pinned for the hub.
        public var clientCertificate: String?
        public var clientKey: String?
        public var caCertificate: String?
        /// How often the kiosk tells the hub how it and its devices are, seconds (and at once on a change).
        public var heartbeatSeconds: Double = 60
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, timeoutSeconds, clientCertificate, clientKey, caCertificate, heartbeatSeconds
        }
    }

    public struct Card: Sendable, Equatable, Codable {
        /// The reader that is the card slot; empty means the first reader pcscd lists that is not
        /// the PSAM's. Cards in any other reader never start a session.
        public var reader: String = ""
        /// The reader holding the PSAM (the SAM slot), if the kiosk has one: never the card slot.
        public var psamReader: String = ""
        /// The PSAM key for the generation-3 authentication as 4 hex digits: its usage (P1 of
        /// INIT FOR DESCRYPT) and version (P2), as the PSAM's issuer set them (docs/psam.md).
        public var psamKey: String = "2701"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case reader, psamReader, psamKey }

        /// `psamKey` as its two bytes (usage, version).
        public var psamKeyBytes: (usage: UInt8, version: UInt8) {
            let value = UInt16(psamKey, radix: 16) ?? 0x2701
            return (UInt8(value >> 8), UInt8(value & 0xFF))
        }
    }

    public struct Printers: Sendable, Equatable, Codable {
        /// CUPS queue for receipts (80 mm roll).
        public var receipt: String = "kiosk-receipt"
        /// CUPS queue for A4 certificates.
        public var certificate: String = "kiosk-a4"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case receipt, certificate }
    }

    public struct Store: Sendable, Equatable, Codable {
        public var path: String = "/var/lib/kioskd/kiosk.sqlite"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case path }
    }

    public struct Console: Sendable, Equatable, Codable {
        /// How often the status screen refreshes device state, seconds.
        public var refreshSeconds: Double = 2
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case refreshSeconds }
    }

    public struct Files: Sendable, Equatable, Codable {
        /// The folder with services.json, guides/, locales/, keymap.json and templates/.
        public var directory: String = "/usr/share/kioskd"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case directory }
    }

    public struct Camera: Sendable, Equatable, Codable {
        /// A GStreamer pipeline description ending where JPEG frames come out, e.g.
        /// `v4l2src device=/dev/video0 ! videoconvert ! jpegenc`; run by kiosk-camera. Wins over `folder`.
        public var pipeline: String = ""
        /// Folder of JPEG frames for FileFaceCamera (demo, tests); empty with no pipeline: no camera.
        public var folder: String = ""
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case pipeline, folder }

        /// The device node the pipeline's source opens (`device=/dev/video0`), if it names one:
        /// what can be watched between citizens, while no pipeline runs.
        public var device: String? {
            pipeline.split(separator: " ").first { $0.hasPrefix("device=/dev/") }.map { String($0.dropFirst("device=".count)) }
        }
    }

    public struct Control: Sendable, Equatable, Codable {
        /// The control socket (HTTP/JSON) for kioskctl; callers identified by SO_PEERCRED.
        public var socket: String = "/run/kioskd/control.sock"
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case socket }
    }

    public struct Metrics: Sendable, Equatable, Codable {
        /// host:port of the Prometheus endpoint; empty: no endpoint. Beyond loopback only with
        /// `allow` or with TLS and client certificates (or both).
        public var listen: String = "127.0.0.1:9464"
        /// The scrapers' networks (CIDR, e.g. 10.20.0.0/16): anyone else gets 403; 127.0.0.1 and ::1 always may.
        public var allow: [String] = []
        /// HTTPS: the endpoint's certificate and key (PEM paths), and the CA a scraper's client
        /// certificate must be signed by (a scraper without one is refused in the handshake).
        public var certificate: String?
        public var key: String?
        public var clientCA: String?
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case listen, allow, certificate, key, clientCA }

        /// The endpoint's TLS files, when it speaks HTTPS.
        public var tls: (certificate: String, key: String, clientCA: String)? {
            guard let certificate, let key, let clientCA else { return nil }
            return (certificate, key, clientCA)
        }
    }

    public struct Journal: Sendable, Equatable, Codable {
        /// Records older than this many days leave the kiosk once the hub has acknowledged them
        /// (the chain stays verifiable from its anchor); 0 keeps every record.
        public var retentionDays: Int = 180
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case retentionDays }
    }

    public struct Bundles: Sendable, Equatable, Codable {
        /// Folder of trusted Ed25519 public keys (`*.pub`): a bundle signed by any other key is refused.
        public var trustDirectory: String = "/etc/kioskd/trust"
        /// Where applied bundles are unpacked, one folder per version, `current` the one in use.
        public var directory: String = "/var/lib/kioskd/config"
        /// How often to ask the hub for a newer bundle, seconds (jittered ±20 %); 0: never.
        public var pollSeconds: Double = 300
        public init() {}
        enum CodingKeys: String, CodingKey, CaseIterable { case trustDirectory, directory, pollSeconds }
    }

    public var kiosk = Kiosk()
    public var hub = Hub()
    public var card = Card()
    public var printers = Printers()
    public var store = Store()
    public var console = Console()
    public var files = Files()
    public var camera = Camera()
    public var scanner = Scanner()
    public var voice = Voice()
    public var session = SessionTimeouts()
    public var control = Control()
    public var metrics = Metrics()
    public var bundles = Bundles()
    public var journal = Journal()

    public init() {}
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kiosk, hub, card, printers, store, console, files, camera, scanner, voice, session, control, metrics, bundles, journal
    }

    /// Problems a parser cannot see: each one a path and what is allowed.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        if kiosk.id.isEmpty || kiosk.id.count > 64
            || !kiosk.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        {
            errors.append("kiosk.id: 1–64 ASCII letters, digits, '-' or '_'")
        }
        if !(hub.url.hasPrefix("http://") || hub.url.hasPrefix("https://")) {
            errors.append("hub.url: an http:// or https:// URL")
        }
        if !(0.5...120).contains(hub.timeoutSeconds) { errors.append("hub.timeoutSeconds: 0.5 to 120") }
        if !(1...3600).contains(hub.heartbeatSeconds) { errors.append("hub.heartbeatSeconds: 1 to 3600") }
        if (hub.clientCertificate == nil) != (hub.clientKey == nil) {
            errors.append("hub.clientCertificate: give both clientCertificate and clientKey, or neither")
        }
        if printers.receipt.isEmpty { errors.append("printers.receipt: a CUPS queue name") }
        if voice.enabled {
            if !(0...100).contains(voice.volume) { errors.append("voice.volume: 0 to 100") }
            if voice.device.isEmpty { errors.append("voice.device: an ALSA device such as default or plughw:0,0") }
            if voice.cacheDirectory.isEmpty { errors.append("voice.cacheDirectory: a folder kioskd may write") }
        }
        if !scanner.device.isEmpty {
            if !Scanner.rates.contains(scanner.baud) {
                errors.append("scanner.baud: one of \(Scanner.rates.map(String.init).joined(separator: ", "))")
            }
            if ![7, 8].contains(scanner.dataBits) { errors.append("scanner.dataBits: 7 or 8") }
            if !["none", "even", "odd"].contains(scanner.parity) { errors.append("scanner.parity: none, even or odd") }
            if ![1, 2].contains(scanner.stopBits) { errors.append("scanner.stopBits: 1 or 2") }
        }
        if printers.certificate.isEmpty { errors.append("printers.certificate: a CUPS queue name") }
        if store.path.isEmpty { errors.append("store.path: a file path") }
        if !(0.2...60).contains(console.refreshSeconds) { errors.append("console.refreshSeconds: 0.2 to 60") }
        if !Kiosk.isLocaleTag(kiosk.locale) { errors.append("kiosk.locale: a locale tag such as zh-CN or en") }
        for language in kiosk.languages where !Kiosk.isLocaleTag(language) {
            errors.append("kiosk.languages: '\(language)' is not a locale tag such as zh-CN or en")
        }
        if !(5...3600).contains(session.idleSeconds) { errors.append("session.idleSeconds: 5 to 3600") }
        if !(3...600).contains(session.promptSeconds) { errors.append("session.promptSeconds: 3 to 600") }
        if session.cardLeftSeconds <= session.takeCardReminderSeconds {
            errors.append("session.cardLeftSeconds: more than session.takeCardReminderSeconds")
        }
        for group in kiosk.groups where group.isEmpty || group.count > 64 || group.contains(where: { $0.isWhitespace }) {
            errors.append("kiosk.groups: names of 1–64 characters without spaces")
            break
        }
        if control.socket.isEmpty || control.socket.utf8.count > 100 { errors.append("control.socket: a socket path of at most 100 bytes") }
        if !metrics.listen.isEmpty, KioskConfiguration.hostPort(metrics.listen) == nil {
            errors.append("metrics.listen: host:port (e.g. 127.0.0.1:9464), or empty for none")
        } else if let (host, _) = KioskConfiguration.hostPort(metrics.listen), !KioskConfiguration.isLoopback(host), metrics.allow.isEmpty,
            metrics.tls == nil
        {
            errors.append(
                "metrics.allow: metrics.listen '\(metrics.listen)' is beyond loopback, so list the scrapers' networks (e.g. 10.20.0.0/16)"
                    + " or give metrics.certificate, metrics.key and metrics.clientCA")
        }
        let tlsFiles = [metrics.certificate, metrics.key, metrics.clientCA]
        if tlsFiles.contains(where: { $0 != nil }), tlsFiles.contains(where: { $0 == nil || $0!.isEmpty }) {
            errors.append("metrics.certificate, metrics.key, metrics.clientCA: all three (HTTPS with client certificates), or none")
        }
        for network in metrics.allow where IPNetwork(network) == nil {
            errors.append("metrics.allow: '\(network)' is not an address or network (CIDR, e.g. 10.20.0.0/16 or fd00::/8)")
        }
        if !(0...3650).contains(journal.retentionDays) { errors.append("journal.retentionDays: 0 (keep every record) to 3650") }
        if bundles.directory.isEmpty { errors.append("bundles.directory: a folder path") }
        if bundles.pollSeconds != 0, !(1...86400).contains(bundles.pollSeconds) {
            errors.append("bundles.pollSeconds: 0 (never) or 1 to 86400")
        }
        if files.directory.isEmpty { errors.append("files.directory: the folder with services.json, locales/, templates/") }
        return errors
    }
}

// Decoding tolerates missing keys (defaults), and the loader refuses unknown ones.
extension KioskConfiguration {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kiosk = try c.decodeIfPresent(Kiosk.self, forKey: .kiosk) ?? Kiosk()
        hub = try c.decodeIfPresent(Hub.self, forKey: .hub) ?? Hub()
        card = try c.decodeIfPresent(Card.self, forKey: .card) ?? Card()
        printers = try c.decodeIfPresent(Printers.self, forKey: .printers) ?? Printers()
        store = try c.decodeIfPresent(Store.self, forKey: .store) ?? Store()
        console = try c.decodeIfPresent(Console.self, forKey: .console) ?? Console()
        files = try c.decodeIfPresent(Files.self, forKey: .files) ?? Files()
        camera = try c.decodeIfPresent(Camera.self, forKey: .camera) ?? Camera()
        scanner = try c.decodeIfPresent(Scanner.self, forKey: .scanner) ?? Scanner()
        voice = try c.decodeIfPresent(Voice.self, forKey: .voice) ?? Voice()
        session = try c.decodeIfPresent(SessionTimeouts.self, forKey: .session) ?? SessionTimeouts()
        control = try c.decodeIfPresent(Control.self, forKey: .control) ?? Control()
        metrics = try c.decodeIfPresent(Metrics.self, forKey: .metrics) ?? Metrics()
        bundles = try c.decodeIfPresent(Bundles.self, forKey: .bundles) ?? Bundles()
        journal = try c.decodeIfPresent(Journal.self, forKey: .journal) ?? Journal()
    }

    /// Whether `host` (as in `metrics.listen`, brackets allowed) names this machine only.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" { return true }
        return IPNetwork("127.0.0.0/8")!.contains(bare) || bare == "::1"
    }

    /// "host:port" split, or nil when it is not one.
    public static func hostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port), colon != text.startIndex
        else { return nil }
        return (String(text[..<colon]), port)
    }
}

extension KioskConfiguration.Control {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        socket = try c.decodeIfPresent(String.self, forKey: .socket) ?? socket
    }
}

extension KioskConfiguration.Metrics {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
        allow = try c.decodeIfPresent([String].self, forKey: .allow) ?? allow
        certificate = try c.decodeIfPresent(String.self, forKey: .certificate)
        key = try c.decodeIfPresent(String.self, forKey: .key)
        clientCA = try c.decodeIfPresent(String.self, forKey: .clientCA)
    }
}

extension KioskConfiguration.Journal {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retentionDays = try c.decodeIfPresent(Int.self, forKey: .retentionDays) ?? retentionDays
    }
}

extension KioskConfiguration.Bundles {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trustDirectory = try c.decodeIfPresent(String.self, forKey: .trustDirectory) ?? trustDirectory
        directory = try c.decodeIfPresent(String.self, forKey: .directory) ?? directory
        pollSeconds = try c.decodeIfPresent(Double.self, forKey: .pollSeconds) ?? pollSeconds
    }
}

extension KioskConfiguration.Kiosk {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? id
        hall = try c.decodeIfPresent(String.self, forKey: .hall) ?? hall
        locale = try c.decodeIfPresent(String.self, forKey: .locale) ?? locale
        languages = try c.decodeIfPresent([String].self, forKey: .languages) ?? languages
        groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? groups
    }
}

extension KioskConfiguration.Hub {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decodeIfPresent(String.self, forKey: .url) ?? url
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? timeoutSeconds
        clientCertificate = try c.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientKey = try c.decodeIfPresent(String.self, forKey: .clientKey)
        caCertificate = try c.decodeIfPresent(String.self, forKey: .caCertificate)
        heartbeatSeconds = try c.decodeIfPresent(Double.self, forKey: .heartbeatSeconds) ?? heartbeatSeconds
    }
}

extension KioskConfiguration.Card {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reader = try c.decodeIfPresent(String.self, forKey: .reader) ?? reader
        psamReader = try c.decodeIfPresent(String.self, forKey: .psamReader) ?? psamReader
        psamKey = try c.decodeIfPresent(String.self, forKey: .psamKey) ?? psamKey
        guard psamKey.count == 4, psamKey.allSatisfy(\.isHexDigit) else {
            throw DecodingError.dataCorruptedError(
                forKey: .psamKey, in: c, debugDescription: "card.psamKey is 4 hex digits (key usage, key version), e.g. 2701")
        }
    }
}

extension KioskConfiguration.Printers {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receipt = try c.decodeIfPresent(String.self, forKey: .receipt) ?? receipt
        certificate = try c.decodeIfPresent(String.self, forKey: .certificate) ?? certificate
    }
}

extension KioskConfiguration.Store {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? path
    }
}

extension KioskConfiguration.Console {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        refreshSeconds = try c.decodeIfPresent(Double.self, forKey: .refreshSeconds) ?? refreshSeconds
    }
}

extension KioskConfiguration.Files {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decodeIfPresent(String.self, forKey: .directory) ?? directory
    }
}

extension KioskConfiguration.Camera {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pipeline = try c.decodeIfPresent(String.self, forKey: .pipeline) ?? pipeline
        folder = try c.decodeIfPresent(String.self, forKey: .folder) ?? folder
    }
}

// A site file names only the timeouts it changes.
extension SessionTimeouts {
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: TimeoutKeys.self)
        idleSeconds = try c.decodeIfPresent(Double.self, forKey: .idleSeconds) ?? idleSeconds
        promptSeconds = try c.decodeIfPresent(Double.self, forKey: .promptSeconds) ?? promptSeconds
        takeCardReminderSeconds = try c.decodeIfPresent(Double.self, forKey: .takeCardReminderSeconds) ?? takeCardReminderSeconds
        cardLeftSeconds = try c.decodeIfPresent(Double.self, forKey: .cardLeftSeconds) ?? cardLeftSeconds
        noticeSeconds = try c.decodeIfPresent(Double.self, forKey: .noticeSeconds) ?? noticeSeconds
        guideIdleSeconds = try c.decodeIfPresent(Double.self, forKey: .guideIdleSeconds) ?? guideIdleSeconds
    }

    fileprivate enum TimeoutKeys: String, CodingKey, CaseIterable {
        case idleSeconds, promptSeconds, takeCardReminderSeconds, cardLeftSeconds, noticeSeconds, guideIdleSeconds
    }
}

// The keys a configuration file may hold are the decoders' own coding keys, so the loader's
// refusal of unknown keys can never drift from what is read.
extension KioskConfiguration {
    /// The keys a configuration file may hold, by section; "" lists the sections.
    public static let fileKeys: [String: Set<String>] = [
        "": names(CodingKeys.self), "kiosk": names(Kiosk.CodingKeys.self), "hub": names(Hub.CodingKeys.self),
        "card": names(Card.CodingKeys.self), "printers": names(Printers.CodingKeys.self), "store": names(Store.CodingKeys.self),
        "console": names(Console.CodingKeys.self), "files": names(Files.CodingKeys.self), "camera": names(Camera.CodingKeys.self),
        "scanner": names(Scanner.CodingKeys.self), "voice": names(Voice.CodingKeys.self),
        "control": names(Control.CodingKeys.self), "metrics": names(Metrics.CodingKeys.self), "bundles": names(Bundles.CodingKeys.self),
        "journal": names(Journal.CodingKeys.self),
        "session": SessionTimeouts.fileKeys,
    ]

    private static func names<Key: CodingKey & CaseIterable>(_ keys: Key.Type) -> Set<String> { Set(keys.allCases.map(\.stringValue)) }
}

extension SessionTimeouts {
    /// The timeouts a configuration file may name.
    static let fileKeys = Set(TimeoutKeys.allCases.map(\.stringValue))
}
