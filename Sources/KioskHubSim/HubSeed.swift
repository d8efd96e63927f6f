import Foundation

/// The simulator's citizens (devices/hub-seed/citizens.json): identities that match the
/// virtual card profiles, plus invented employment and pension data.
struct SeedCitizen: Codable, Sendable {
    struct Employment: Codable, Sendable {
        var employer: String
        var from: String
        var to: String?
        var baseFen: Int
    }

    var profile: String
    var ssn: String
    var name: String
    var cardNumber: String
    var cardIdentifier: String
    var cardStatus: String
    var pensioner: Bool
    var retiredOn: String?
    var employers: [Employment]
    var pensionFen: Int?
    /// `passed` or a reasonCode: the face decision this citizen gets unless a scenario overrides it.
    var face: String

    /// YYYY-MM-DD from an 18-digit ID number (digits 7–14).
    static func birthDate(ssn: String) -> String? {
        let digits = Array(ssn)
        guard digits.count == 18, digits[6..<14].allSatisfy(\.isNumber) else { return nil }
        return "\(String(digits[6..<10]))-\(String(digits[10..<12]))-\(String(digits[12..<14]))"
    }
}

/// A hall worker's one-time code for 帮办 (each works once).
struct SeedStaffCode: Codable, Sendable {
    var code: String
    var staffRef: String
    var name: String
}

public struct HubSeed: Codable, Sendable {
    var citizens: [SeedCitizen]
    var staffCodes: [SeedStaffCode]? = nil

    static func load(path: String) throws -> HubSeed {
        try JSONDecoder().decode(HubSeed.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The seed file next to the repo's devices folder, found from the working directory.
    public static func defaultPath() -> String {
        ProcessInfo.processInfo.environment["KIOSK_HUB_SEED"] ?? "devices/hub-seed/citizens.json"
    }
}

/// Deterministic contribution rows for a citizen: one row per month and insurance while
/// employed; pension 8 % personal + 16 % employer of the base, medical 2 % + 8 %, unemployment
/// 0.5 % + 0.5 %, work injury employer 0.4 %, maternity employer 0.8 %. The last month of the
/// current employer is `owed`, so tables show both statuses.
enum ContributionLedger {
    static let rates: [(insurance: String, personal: Int, employer: Int)] = [  // per mille
        ("pension", 80, 160), ("medical", 20, 80), ("unemployment", 5, 5), ("work-injury", 0, 4), ("maternity", 0, 8),
    ]

    static func rows(for citizen: SeedCitizen, from: String, to: String, now: String) -> [ContributionRow] {
        var rows: [ContributionRow] = []
        for job in citizen.employers {
            let end = job.to ?? now
            for month in months(from: max(job.from, from), to: min(end, to)) {
                for rate in rates {
                    rows.append(
                        ContributionRow(
                            month: month, insurance: rate.insurance, base: job.baseFen,
                            personalAmount: job.baseFen * rate.personal / 1000, employerAmount: job.baseFen * rate.employer / 1000,
                            employer: job.employer, status: job.to == nil && month == now ? "owed" : "paid"))
                }
            }
        }
        return rows.sorted { ($0.month, $0.insurance) < ($1.month, $1.insurance) }
    }

    /// YYYY-MM months from `from` through `to`, inclusive.
    static func months(from: String, to: String) -> [String] {
        guard var (y, m) = parse(from), let (ty, tm) = parse(to) else { return [] }
        var out: [String] = []
        while (y, m) <= (ty, tm) && out.count < 1200 {
            out.append(String(format: "%04d-%02d", y, m))
            m += 1
            if m > 12 { m = 1; y += 1 }
        }
        return out
    }

    static func parse(_ month: String) -> (Int, Int)? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        return (y, m)
    }

    static func shift(_ month: String, by delta: Int) -> String {
        guard let (y, m) = parse(month) else { return month }
        let total = y * 12 + (m - 1) + delta
        return String(format: "%04d-%02d", total / 12, total % 12 + 1)
    }
}

struct ContributionRow: Codable, Sendable {
    var month: String
    var insurance: String
    var base: Int
    var personalAmount: Int
    var employerAmount: Int
    var employer: String
    var status: String
}
