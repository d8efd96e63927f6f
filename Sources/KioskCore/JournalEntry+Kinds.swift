/// The journal entries recorded outside the session machine, one constructor each, so that a
/// kind's payload keys are written in one place (docs/journal.md lists them).
extension JournalEntry {
    /// Free text is cut here: a reason is for people reading the journal, not a transcript.
    static let reasonLimit = 500

    /// A technician switched maintenance mode (`kioskctl maintenance on|off`).
    public static func maintenance(on: Bool, reason: String?, uid: UInt32) -> JournalEntry {
        var payload: [String: JournalValue] = ["on": .bool(on), "uid": .int(Int(uid))]
        if let reason, on { payload["reason"] = .string(String(reason.prefix(reasonLimit))) }
        return JournalEntry(kind: .maintenance, payload: payload)
    }

    /// A technician ran diagnostics that touch a device (a test page, a test read).
    public static func diagnostics(testPage: Bool, testRead: Bool, testCamera: Bool = false, uid: UInt32) -> JournalEntry {
        var payload: [String: JournalValue] = [
            "action": .string("diag"), "testPage": .bool(testPage), "testRead": .bool(testRead), "uid": .int(Int(uid)),
        ]
        if testCamera { payload["testCamera"] = .bool(true) }
        return JournalEntry(kind: .maintenance, payload: payload)
    }

    /// What became of a configuration bundle from `source` ("hub", "kioskctl").
    public static func configChange(_ outcome: ConfigOutcome, source: String, uid: UInt32?) -> JournalEntry {
        configChange(outcome: outcome.result.rawValue, version: outcome.version, source: source, uid: uid, reason: outcome.reason)
    }

    /// Operations rolled the kiosk back from version `from` to `version` (0: the site file alone).
    public static func configRollback(to version: Int, from: Int, uid: UInt32?) -> JournalEntry {
        configChange(outcome: "rollback", version: version, source: "kioskctl", uid: uid, reason: "from v\(from)")
    }

    private static func configChange(outcome: String, version: Int?, source: String, uid: UInt32?, reason: String?) -> JournalEntry {
        var payload: [String: JournalValue] = ["outcome": .string(outcome), "source": .string(source)]
        if let version { payload["version"] = .int(version) }
        if let uid { payload["uid"] = .int(Int(uid)) }
        if let reason { payload["reason"] = .string(String(reason.prefix(reasonLimit))) }
        return JournalEntry(kind: .configChange, payload: payload)
    }

    /// The card stayed in the slot after its session (the staff are called).
    public static func cardLeftInSlot(sessionId: String, seconds: Int) -> JournalEntry {
        JournalEntry(
            kind: .deviceFault, sessionId: sessionId, payload: ["fault": .string("card-left-in-slot"), "seconds": .int(seconds)])
    }
}

extension JournalEntry {
    /// A device fault began (or its reasons changed) or ended: one record each, never one per poll.
    /// `reasons` and `newReasons` are comma-separated (the payload is flat).
    public static func deviceFault(_ change: DeviceHealthBook.Change) -> JournalEntry {
        var payload: [String: JournalValue] = [
            "device": .string(change.device.rawValue), "phase": .string(change.phase.rawValue),
            "state": .string(change.state.rawValue), "reasons": .string(change.reasons.joined(separator: ",")),
        ]
        if change.phase == .began { payload["newReasons"] = .string(change.newReasons.joined(separator: ",")) }
        if let lasted = change.lastedSeconds { payload["seconds"] = .int(lasted) }
        return JournalEntry(kind: .deviceFault, payload: payload)
    }
}

extension JournalEntry {
    /// A print request a crash or power cut left open, closed at the next start: what CUPS said
    /// became of it (`finding`), and `state` as the print record of a session has it.
    public static func printReconciled(_ result: PrintReconciliation) -> JournalEntry {
        let state: String =
            switch result.finding {
            case .completed: PrintJobState.completed.rawValue
            case .aborted: PrintJobState.aborted.rawValue
            case .cancelled, .cancelledAtStart: PrintJobState.cancelled.rawValue
            case .cancelledWhilePrinting: SessionMachine.uncertainPrintState
            case .missing: "missing"
            case .stillInQueue: PrintJobState.processing.rawValue
            }
        var payload: [String: JournalValue] = [
            "kind": .string(result.request.kind.rawValue), "requestId": .string(result.request.id), "state": .string(state),
            "finding": .string(result.finding.rawValue), "reconciled": .bool(true),
        ]
        if let jobId = result.jobId { payload["jobId"] = .int(jobId) }
        if result.finding == .completed { payload["pages"] = .int(result.request.pages) }
        return JournalEntry(kind: .print, sessionId: result.request.sessionId, payload: payload)
    }
}
