import Foundation
import KioskCore

/// Citizens, hub answers and printer states for tests of the session engine and its screens.
/// Hub payloads decode from JSON, exactly as the hub client receives them.
public enum SessionFixtures {
    /// 2026-11-22 10:30:00 in Shanghai.
    public static let wall = Date(timeIntervalSince1970: 1_795_314_600)
    public static let fullName = "张三丰"
    public static let ssn = "11010519491231002X"

    public static var card: SocialSecurityCard {
        SocialSecurityCard(
            generation: 3, specVersion: "3.00", cardIdentifier: Array(repeating: 0x11, count: 16), category: "1", institution: nil,
            cardNumber: "X00000019", issueDate: CardDate(year: 2021, month: 3, day: 1), expiryDate: CardDate(year: 2031, month: 3, day: 1),
            holder: .init(
                ssn: ssn, name: fullName, sex: "1", ethnicity: 1, birthplace: "110105", birthDate: CardDate(year: 1949, month: 12, day: 31)),
            atr: [0x3B, 0x6D, 0x00, 0x00])
    }

    /// The same card with another birth date (a citizen's pace depends on their age).
    public static func card(born: CardDate?) -> SocialSecurityCard {
        var card = card
        card.holder?.birthDate = born
        return card
    }

    /// A citizen of 40 on `wall`: the default pace.
    public static var youngerCard: SocialSecurityCard { card(born: CardDate(year: 1986, month: 5, day: 1)) }

    static func decode<T: Decodable>(_ json: String) -> T { try! JSONDecoder().decode(T.self, from: Data(json.utf8)) }

    public static func subject(cardStatus: String = "active") -> HubSubject {
        decode(#"{"subjectRef":"sub-7f3a","displayName":"张**","cardStatus":"\#(cardStatus)"}"#)
    }

    public static var certificate: HubCertificate {
        decode(
            #"""
            {"certificateNo":"CERT-2026-000123","kind":"participation","months":24,
             "holder":{"name":"张**","ssn":"1101**********002X"},
             "insurances":[{"insurance":"pension","status":"participating","paidMonths":240,"from":"2006-01"},
                           {"insurance":"medical","status":"participating","paidMonths":238,"from":"2006-03"}],
             "employers":[{"employer":"示范市第一机械厂","from":"2006-01","to":"2018-12"},{"employer":"示范市光明科技有限公司","from":"2019-01"}],
             "rows":[],"verificationCode":"7KQ2-M9XD","verifyUrl":"https://hub.example/v/7KQ2M9XD","issuedAt":"2026-11-22T02:30:00Z"}
            """#)
    }

    public static var contributions: [ContributionRow] {
        (0..<12).map { i in
            let month = 11 - i
            return ContributionRow(
                month: "2026-\(month < 10 ? "0" : "")\(month)", insurance: "pension", base: 600_000, personalAmount: 48_000,
                employerAmount: 96_000, employer: "示范市光明科技有限公司", status: i == 0 ? "owed" : "paid")
        }
    }

    public static var pensionPayments: [PensionPayment] {
        decode(
            #"""
            [{"month":"2026-10","amount":356000,"bankMasked":"6222********1234","paidOn":"2026-10-15"},
             {"month":"2026-09","amount":356000,"bankMasked":"6222********1234","paidOn":"2026-09-15"}]
            """#)
    }

    public static func printer(_ role: PrinterRole, _ condition: PrinterCondition) -> PrinterSnapshot {
        PrinterSnapshot(
            queue: role == .receipt ? "kiosk-receipt" : "kiosk-a4", condition: condition, state: condition.canPrint ? "idle" : "stopped",
            reasons: [])
    }

    public static func job(_ id: Int, _ state: PrintJobState) -> PrintJobStatus { PrintJobStatus(jobId: id, state: state, reasons: []) }

    public static func guides() -> [ServiceGuide] {
        [
            ServiceGuide(
                id: "participation-certificate", order: 1, title: "社会保险参保证明打印", conditions: ["在本市参保的个人"], materials: ["本人社会保障卡"],
                steps: ["插卡", "按 1 选择参保证明打印", "确认后打印"], timeLimit: "即时办结", channels: ["自助终端", "人工窗口", "掌上 12333"]),
            ServiceGuide(
                id: "pension-qualification", order: 2, title: "养老待遇资格认证", conditions: ["按月领取养老待遇的退休人员"], materials: ["本人社会保障卡"],
                steps: ["插卡", "同意后刷脸"], timeLimit: "即时办结", channels: ["自助终端", "人工窗口"]),
        ]
    }
}

/// Ids "id-1", "id-2", … so tests can predict them.
public final class CountingIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    public init() {}
    public func make() -> String {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return "id-\(next)"
    }
}
