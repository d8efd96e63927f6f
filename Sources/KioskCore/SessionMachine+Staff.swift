/// 帮办: a hall worker helps the citizen at the kiosk. The worker keys `0 0 0` on the menu, then
/// their 6-digit one-time code, which the hub verifies (`POST /v1/staff/verify`). From then on
/// every screen names the worker (masked), every journal record of the session carries their
/// `staffRef`, and receipts say the service was assisted. Three refused codes lock the sequence
/// for five minutes, for every session. It ends with the session.
extension SessionMachine {
    /// How many digits a worker's code has.
    public static let staffCodeLength = 6
    /// Refused codes before the sequence locks.
    public static let staffTriesBeforeLock = 3
    /// How long the sequence stays locked, seconds.
    public static let staffLockSeconds: Double = 300
    /// `0` pressed this many times on the menu (0 is no service) asks for a worker's code.
    static let staffSequenceLength = 3
    /// …each within this many seconds of the one before.
    static let staffSequenceGapSeconds: Double = 3

    /// A `0` on the menu: the third in a row opens the code screen (or says it is locked).
    mutating func menuZero() {
        staffZeros = now.uptime - lastStaffZero <= Self.staffSequenceGapSeconds ? staffZeros + 1 : 1
        lastStaffZero = now.uptime
        guard staffZeros >= Self.staffSequenceLength, session?.staff == nil else { return }
        staffZeros = 0
        phase = .staffCode(StaffCodeState())
    }

    /// Seconds the sequence stays locked, nil when it is not.
    var staffLockLeft: Int? {
        guard let until = staffLockedUntil, until > now.uptime else { return nil }
        return Self.secondsLeft(until - now.uptime)
    }

    mutating func staffCodeKey(_ key: Key, _ state: StaffCodeState) {
        guard state.checking == nil else { return }
        var state = state
        if staffLockLeft != nil {
            if key == .enter || key == .back { phase = .menu }
            return
        }
        switch Self.digitEntry(key, state.digits, length: Self.staffCodeLength) {
        case .typed(let digits):
            state.digits = digits
            state.problem = nil
        case .leave:
            phase = .menu
            return
        case .submit(let code):
            let id = newRequest(.staff)
            emit(.verifyStaff(id, code: code))
            state.digits = ""
            state.checking = id
        case .ignored: return
        }
        phase = .staffCode(state)
    }

    mutating func onStaffVerified(_ id: RequestID, _ staff: StaffAssistant) {
        guard case .staff? = take(id), session != nil else { return }
        staffFailures = 0
        session?.staff = staff
        journal(.serviceOutcome, payload: ["service": .string("staff-assist"), "outcome": .string("verified")])
        phase = .menu
        lastInput = now.uptime
    }

    mutating func onStaffFailed(_ id: RequestID, _ failure: SessionFailure) {
        pending[id] = nil
        guard session != nil, case .staffCode = phase else { return }
        lastInput = now.uptime
        guard failure.code == "staff-code-invalid" else {
            // The hub could not say: nobody's code was refused, so nothing counts against it.
            phase = .staffCode(StaffCodeState(problem: .unavailable))
            journal(
                .serviceOutcome,
                payload: ["service": .string("staff-assist"), "outcome": .string("failed"), "error": .string(failure.code)])
            return
        }
        staffFailures += 1
        journal(
            .serviceOutcome,
            payload: ["service": .string("staff-assist"), "outcome": .string("refused"), "attempt": .int(staffFailures)])
        if staffFailures >= Self.staffTriesBeforeLock {
            staffFailures = 0
            staffLockedUntil = now.uptime + Self.staffLockSeconds
            journal(
                .serviceOutcome,
                payload: ["service": .string("staff-assist"), "outcome": .string("locked"), "seconds": .int(Int(Self.staffLockSeconds))])
        }
        phase = .staffCode(StaffCodeState(problem: .refused))
    }

    var staffCodeView: StaffCodeView? {
        guard case .staffCode(let state) = phase else { return nil }
        return StaffCodeView(
            digitsEntered: state.digits.count, maxDigits: Self.staffCodeLength, checking: state.checking != nil,
            problem: state.problem, lockedSeconds: staffLockLeft,
            triesLeft: state.problem == .refused && staffLockLeft == nil ? Self.staffTriesBeforeLock - staffFailures : nil)
    }
}

/// The worker's code being typed.
struct StaffCodeState: Sendable, Equatable {
    /// Typed digits; dropped with the phase.
    var digits: String = ""
    var checking: RequestID?
    var problem: StaffCodeView.Problem?
}

/// The code screen: how many digits were typed (shown as `●`), and why the last code failed.
public struct StaffCodeView: Sendable, Equatable {
    public enum Problem: String, Sendable, Equatable {
        /// The hub refused the code (unknown, used or expired).
        case refused
        /// The hub could not be asked.
        case unavailable
    }

    public var digitsEntered: Int
    public var maxDigits: Int
    public var checking: Bool
    public var problem: Problem?
    /// Set while three refused codes keep the sequence locked.
    public var lockedSeconds: Int?
    public var triesLeft: Int?

    public init(
        digitsEntered: Int, maxDigits: Int, checking: Bool, problem: Problem? = nil, lockedSeconds: Int? = nil, triesLeft: Int? = nil
    ) {
        self.digitsEntered = digitsEntered
        self.maxDigits = maxDigits
        self.checking = checking
        self.problem = problem
        self.lockedSeconds = lockedSeconds
        self.triesLeft = triesLeft
    }
}
