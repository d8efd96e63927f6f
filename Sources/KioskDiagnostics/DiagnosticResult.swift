/// One finding of `kioskctl diag`: what was checked, how it looks, who must act and what to do,
/// in plain words a technician at a grassroots site can follow. Never carries personal data:
/// no ID numbers, no names, no job or request ids of citizens.
public struct DiagnosticResult: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable, Equatable, Comparable, CaseIterable {
        case ok, warn, fail

        private var rank: Int {
            switch self {
            case .ok: 0
            case .warn: 1
            case .fail: 2
            }
        }

        public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    }

    /// Who acts: hall staff (paper, jams, doors, a card left in the slot), the site's technician
    /// (services, cables, disks, queues), or operations at the city centre (the hub, fleet data).
    public enum Actor: String, Codable, Sendable, Equatable, CaseIterable {
        case none, staff, technician, operations
    }

    /// e.g. "pcscd", "reader Virtual PCD 00 00", "printer kiosk-a4", "hub tls", "store integrity", "terminal".
    public var check: String
    public var verdict: Verdict
    public var actor: Actor
    /// What was seen, plain English.
    public var detail: String
    /// What to do, plain English; empty when the verdict is ok.
    public var action: String
    /// The action in Chinese, for staff who read no English; optional.
    public var actionZh: String?

    public init(check: String, verdict: Verdict, actor: Actor, detail: String, action: String, actionZh: String? = nil) {
        self.check = check
        self.verdict = verdict
        self.actor = actor
        self.detail = detail
        self.action = action
        self.actionZh = actionZh
    }

    /// A check that passed: nobody acts.
    public static func ok(_ check: String, _ detail: String) -> DiagnosticResult {
        DiagnosticResult(check: check, verdict: .ok, actor: .none, detail: detail, action: "")
    }
}
