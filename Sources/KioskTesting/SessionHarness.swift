import Foundation
import KioskCore

/// Drives a `SessionMachine` the way the runner does, with a hand-moved clock, and keeps every
/// action it asked for. Tests of logic only.
public struct SessionHarness {
    public var machine: SessionMachine
    public var time: SessionTime
    public private(set) var log: [SessionAction] = []
    public static let reader = "Virtual PCD 00 00"

    /// A kiosk with every device well unless told otherwise.
    public init(
        catalog: ServiceCatalog = .standard, guides: [ServiceGuide] = SessionFixtures.guides(),
        timeouts: SessionTimeouts = SessionTimeouts(),
        healthy: Bool = true, receiptTexts: [String: String] = [:],
        languages: [String: (receiptTexts: [String: String], guides: [ServiceGuide])] = [:]
    ) {
        time = SessionTime(uptime: 1000, wall: SessionFixtures.wall)
        let ids = CountingIDs()
        var settings = SessionSettings(
            kioskId: "KIOSK-DEMO-0001", hall: "示范市人力资源和社会保障局服务大厅", timeouts: timeouts, receiptTexts: receiptTexts, makeID: { ids.make() })
        if !languages.isEmpty {
            settings.locales = ["zh-CN"] + languages.keys.sorted()
            settings.localizedReceiptTexts = languages.mapValues(\.receiptTexts)
        }
        machine = SessionMachine(
            settings: settings, catalog: catalog, guides: guides, localizedGuides: languages.mapValues(\.guides), now: time)
        if healthy {
            send(.printerStatus(.receipt, SessionFixtures.printer(.receipt, .ready)))
            send(.printerStatus(.certificate, SessionFixtures.printer(.certificate, .ready)))
            send(.hubStatus(.up))
            send(.cameraStatus(present: true))
        }
    }

    public var screen: Screen { machine.screen }
    public var content: ScreenContent { machine.screen.content }

    @discardableResult
    public mutating func send(_ event: SessionEvent) -> [SessionAction] {
        let actions = machine.handle(event, at: time)
        log += actions
        return actions
    }

    @discardableResult
    public mutating func press(_ keys: Key...) -> [SessionAction] {
        keys.flatMap { send(.key($0)) }
    }

    /// Moves the clock in one-second ticks.
    @discardableResult
    public mutating func advance(_ seconds: Int) -> [SessionAction] {
        var actions: [SessionAction] = []
        for _ in 0..<seconds {
            time.uptime += 1
            time.wall += 1
            actions += send(.tick)
        }
        return actions
    }

    @discardableResult
    public mutating func insertCard() -> RequestID {
        let actions = send(.card(.cardInserted(reader: Self.reader, atr: [0x3B, 0x6D])))
        return actions.compactMap(\.requestID).first!
    }

    @discardableResult
    public mutating func removeCard() -> [SessionAction] { send(.card(.cardRemoved(reader: Self.reader))) }

    /// Card inserted and read, menu shown.
    public mutating func startAtMenu(
        subject: HubSubject? = SessionFixtures.subject(), card: SocialSecurityCard = SessionFixtures.card
    ) {
        let id = insertCard()
        send(.cardRead(id, card, subject))
    }

    /// The id of the newest action of the log with one, optionally the newest matching `filter`.
    public func lastRequest(where filter: (SessionAction) -> Bool = { _ in true }) -> RequestID? {
        log.reversed().first { $0.requestID != nil && filter($0) }?.requestID
    }

    public var lastPrint: PrintJobRequest? {
        for case .print(let job) in log.reversed() { return job }
        return nil
    }

    public var journal: [JournalEntry] { log.compactMap { if case .journal(let e) = $0 { e } else { nil } } }
}
