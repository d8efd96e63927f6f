import Foundation

/// The timeouts the citizen lives with. Operators set them per site (the daemon's loader maps a
/// `session:` section onto this); defaults suit elderly citizens in a noisy hall.
public struct SessionTimeouts: Sendable, Equatable, Codable {
    /// Without a key press this long, "继续办理？" is asked.
    public var idleSeconds: Double = 60
    /// The prompt's own countdown; then the session ends.
    public var promptSeconds: Double = 15
    /// Card still in the slot after the session: louder reminder after this.
    public var takeCardReminderSeconds: Double = 20
    /// …and after this, the hub and the journal hear that the card was left.
    public var cardLeftSeconds: Double = 60
    /// How long "您已取出社保卡…" stays before the attract screen.
    public var noticeSeconds: Double = 8
    /// Guides browsed without a card fall back to the attract screen after this.
    public var guideIdleSeconds: Double = 90

    public init() {}

    // Declared (not synthesized) so the configuration loader's tolerant decoder can use it.
    enum CodingKeys: String, CodingKey {
        case idleSeconds, promptSeconds, takeCardReminderSeconds, cardLeftSeconds, noticeSeconds, guideIdleSeconds
    }
}

/// A moment as the machine needs it: a monotonic clock for timeouts (never jumps with NTP) and
/// the wall clock for what is printed, shown and journalled.
public struct SessionTime: Sendable, Equatable {
    /// Seconds on a monotonic clock (ProcessInfo.systemUptime).
    public var uptime: Double
    public var wall: Date

    public init(uptime: Double, wall: Date) {
        self.uptime = uptime
        self.wall = wall
    }

    public static func current() -> SessionTime { SessionTime(uptime: ProcessInfo.processInfo.systemUptime, wall: Date()) }
}

/// Everything the machine is built with besides the catalog.
public struct SessionSettings: Sendable {
    public var kioskId: String
    public var hall: String
    public var timeouts: SessionTimeouts
    /// The hall's time zone, for the clock, receipts and "this year".
    public var timeZone: TimeZone
    public var certificateMonths: Int = 24
    public var contributionMonths: Int = 24
    /// Table rows per page: fits 40×12.
    public var rowsPerPage: Int = 5
    public var pinLength: Int = 6
    public var consentVersion: String = "face-consent-2026-01"
    /// Texts printed on receipts, in the kiosk's locale (LocaleTexts.receiptTexts()): keys
    /// `service.<id>` and `outcome.<word>`. A missing key prints the key.
    public var receiptTexts: [String: String]
    /// The languages a citizen may choose with the language key, the kiosk's own first; one (or
    /// none) turns the key off.
    public var locales: [String] = []
    /// Receipt texts of the other locales in `locales`, by locale.
    public var localizedReceiptTexts: [String: [String: String]] = [:]
    /// Session, transaction, request and idempotency ids: UUIDs in production, a counter in tests.
    public var makeID: @Sendable () -> String

    public init(
        kioskId: String, hall: String, timeouts: SessionTimeouts = SessionTimeouts(),
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current, receiptTexts: [String: String] = [:],
        makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.kioskId = kioskId
        self.hall = hall
        self.timeouts = timeouts
        self.timeZone = timeZone
        self.receiptTexts = receiptTexts
        self.makeID = makeID
    }

    /// From the daemon's configuration (kiosk id, hall).
    public init(configuration: KioskConfiguration, timeouts: SessionTimeouts = SessionTimeouts(), receiptTexts: [String: String] = [:]) {
        self.init(kioskId: configuration.kiosk.id, hall: configuration.kiosk.hall, timeouts: timeouts, receiptTexts: receiptTexts)
    }
}

/// Local and UTC formatting without formatters (deterministic, Sendable).
enum SessionClock {
    static func parts(_ date: Date, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    static func pad(_ n: Int?, _ width: Int = 2) -> String {
        let s = String(n ?? 0)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// "2026-11-22 10:30:05"
    static func local(_ date: Date, _ zone: TimeZone) -> String {
        let p = parts(date, zone)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    /// "10:30"
    static func clock(_ date: Date, _ zone: TimeZone) -> String {
        let p = parts(date, zone)
        return "\(pad(p.hour)):\(pad(p.minute))"
    }

    /// "2026-11-22T02:30:05Z"
    static func utc(_ date: Date) -> String {
        let p = parts(date, TimeZone(identifier: "UTC")!)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))Z"
    }

    /// (year, month) in the hall's zone.
    static func yearMonth(_ date: Date, _ zone: TimeZone) -> (Int, Int) {
        let p = parts(date, zone)
        return (p.year ?? 2000, p.month ?? 1)
    }

    /// "YYYY-MM" `back` months before (year, month).
    static func month(_ ym: (Int, Int), minus back: Int) -> String {
        let index = ym.0 * 12 + (ym.1 - 1) - back
        return "\(pad(index / 12, 4))-\(pad(index % 12 + 1))"
    }

    static func date(_ date: Date, _ zone: TimeZone) -> CardDate? {
        let p = parts(date, zone)
        return CardDate(year: p.year ?? 0, month: p.month ?? 0, day: p.day ?? 0)
    }
}
