import KioskTesting

/// One soak session: what the citizen came for and the fault that meets it, drawn from the
/// soak's seeded generator.
struct SessionPlan {
    enum Errand: String {
        /// Card in → the participation certificate printed → a rating → card out.
        case certificate
        /// Card in → the menu → Back → card out (nothing printed, nothing rated).
        case look
    }

    /// Where in a session a fault strikes.
    enum Step: String, CaseIterable {
        case reading, menu, preview, printing, rating
    }

    enum Fault {
        case none
        /// The citizen pulls the card.
        case cardPulled(Step)
        /// The certificate printer runs out of paper (or jams) mid-job; staff clear it later.
        case paper(String)
        /// The hub answers 500s, drops answers (before or after taking the request), is slower
        /// than the kiosk's timeout, or is frozen (SIGSTOP) for the whole session.
        case hub(String)
        /// pcscd or cupsd killed and started again.
        case restart(String, Step)
        /// kioskd SIGKILLed; the restart loop (systemd's part) starts it again.
        case killKioskd(Step)
    }

    var errand: Errand
    var fault: Fault

    var summary: String {
        let fault: String =
            switch self.fault {
            case .none: "no fault"
            case .cardPulled(let step): "card pulled at \(step.rawValue)"
            case .paper(let what): "printer \(what) mid-job"
            case .hub(let what): "hub \(what)"
            case .restart(let what, let step): "\(what) restarted at \(step.rawValue)"
            case .killKioskd(let step): "kioskd SIGKILLed at \(step.rawValue)"
            }
        return "\(errand.rawValue), \(fault)"
    }

    /// The steps this errand goes through (a look never reaches the preview).
    var steps: [Step] { errand == .certificate ? Step.allCases : [.reading, .menu] }

    static func draw(_ random: inout SplitMix64, faultRate: Double) -> SessionPlan {
        let errand: Errand = Double.random(in: 0..<1, using: &random) < 0.6 ? .certificate : .look
        guard Double.random(in: 0..<1, using: &random) < faultRate else { return SessionPlan(errand: errand, fault: .none) }
        let steps = errand == .certificate ? Step.allCases : [.reading, .menu]
        let step = steps.randomElement(using: &random)!
        let fault: Fault =
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1: .cardPulled(step)
            case 2, 3: errand == .certificate ? .paper(["paper-out", "jam"].randomElement(using: &random)!) : .cardPulled(step)
            case 4, 5, 6: .hub(["5xx", "drop", "drop-after", "slow", "frozen"].randomElement(using: &random)!)
            case 7: .restart("pcscd", step)
            case 8: .restart("cupsd", step)
            default: .killKioskd(step)
            }
        return SessionPlan(errand: errand, fault: fault)
    }
}
