import Foundation
import KioskCore
import KioskDiagnostics
import Testing

/// The verdicts and actors of `kioskctl diag` from measured values alone: printer reasons, disk
/// space, clock skew, outbox backlog, terminal size, stuck jobs; and the result's JSON form.
@Suite struct DiagnosticVerdictTests {
    typealias Verdict = DiagnosticResult.Verdict
    typealias Actor = DiagnosticResult.Actor

    static func printer(_ reasons: [String], state: String = "idle", accepting: Bool = true, detail: String? = nil) -> PrinterSnapshot {
        PrinterSnapshot(
            queue: "kiosk-a4", condition: PrinterCondition.from(state: state, reasons: reasons, acceptingJobs: accepting), state: state,
            reasons: reasons, acceptingJobs: accepting, detail: detail)
    }

    @Test(arguments: [
        (["media-empty-error"], Verdict.fail, Actor.staff, "load paper"),
        (["media-needed-warning"], .fail, .staff, "load paper"),
        (["media-jam-error"], .fail, .staff, "jam"),
        (["door-open-report"], .fail, .staff, "door"),
        (["cover-open"], .fail, .staff, "door"),
        (["media-low-warning"], .warn, .staff, "load paper soon"),
        (["offline-report"], .fail, .technician, "power"),
        (["paused"], .fail, .technician, "cupsenable kiosk-a4"),
    ])
    func printerReasonsMapToVerdictAndActor(reasons: [String], verdict: Verdict, actor: Actor, action: String) {
        let judgement = DiagnosticRules.printer(Self.printer(reasons))
        #expect(judgement.verdict == verdict, "\(reasons)")
        #expect(judgement.actor == actor, "\(reasons)")
        #expect(judgement.action.contains(action), "\(reasons): \(judgement.action)")
    }

    @Test func aReadyPrinterIsOkAndNobodyActs() {
        let judgement = DiagnosticRules.printer(Self.printer([]))
        #expect(judgement == .ok)
        #expect(judgement.action.isEmpty)
    }

    /// A USB or serial printer at idle: never ok, since nobody knows; the staff act on a fault its
    /// last job met, the technician confirms a quiet one with a test page.
    @Test func anUnconfirmedPrinterIsAWarningNeverOk() {
        let quiet = PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: [])
        let judgement = DiagnosticRules.printer(quiet)
        #expect(judgement.verdict == .warn && judgement.actor == .technician)
        #expect(judgement.action.contains("test page"))
        let empty = PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: ["media-empty-error"])
        let reported = DiagnosticRules.printer(empty)
        #expect(reported.verdict == .warn && reported.actor == .staff)
        #expect(reported.action.contains("load paper") && reported.action.contains("last job"), "\(reported.action)")
        #expect(reported.actionZh?.contains("请装纸") == true)
    }

    @Test func staffActionsHaveChineseWords() {
        #expect(DiagnosticRules.printer(Self.printer(["media-empty-error"])).actionZh == "请装纸")
    }

    @Test func cupsdDownIsTheTechniciansAndSaysStartCups() {
        var snapshot = PrinterSnapshot.offline(queue: "kiosk-a4", detail: "cupsd is not reachable")
        snapshot.reasons = [PrinterSnapshot.cupsdUnreachable]
        let judgement = DiagnosticRules.printer(snapshot)
        #expect(judgement.verdict == .fail && judgement.actor == .technician)
        #expect(judgement.action == "start cups (systemctl start cups)")
    }

    @Test func aMissingQueueAsksForTheQueueOrTheConfiguration() {
        let judgement = DiagnosticRules.printer(.offline(queue: "kiosk-x", detail: "cupsd has no queue kiosk-x"))
        #expect(judgement.verdict == .fail && judgement.actor == .technician)
        #expect(judgement.action.contains("printers.*"))
    }

    @Test func aStoppedQueueAndAQueueNotAcceptingAreTheTechnicians() {
        for snapshot in [Self.printer([], state: "stopped"), Self.printer([], accepting: false)] {
            let judgement = DiagnosticRules.printer(snapshot)
            #expect(judgement.verdict == .fail && judgement.actor == .technician, "\(snapshot)")
        }
    }

    @Test func stuckJobsWarnTheTechnicianOnlyOnAnOtherwiseReadyPrinter() {
        let ready = DiagnosticRules.printer(Self.printer([]), stuckJobs: 2)
        #expect(ready.verdict == .warn && ready.actor == .technician)
        #expect(ready.action.contains("lpstat -o kiosk-a4"))
        let paperOut = DiagnosticRules.printer(Self.printer(["media-empty-error"]), stuckJobs: 2)
        #expect(paperOut.verdict == .fail && paperOut.actor == .staff, "the fault holding the jobs is what to fix")
    }

    @Test func onlyJobsOlderThanTenMinutesAreStuck() {
        let now = 1_800_000_000
        #expect(DiagnosticRules.stuckJobs(createdAt: [now - 601, now - 600, now - 30, nil], now: now) == 1)
        #expect(DiagnosticRules.stuckJobs(createdAt: [], now: now) == 0)
    }

    @Test func diskSpaceFailsBelowFivePercentOr200MBAndWarnsBelowFifteen() {
        let gb: Int64 = 1 << 30
        let mb: Int64 = 1 << 20
        #expect(DiagnosticRules.disk(freeBytes: 50 * gb, totalBytes: 100 * gb) == .ok)
        #expect(DiagnosticRules.disk(freeBytes: 15 * gb, totalBytes: 100 * gb) == .ok)
        #expect(DiagnosticRules.disk(freeBytes: 14 * gb, totalBytes: 100 * gb).verdict == .warn)
        #expect(DiagnosticRules.disk(freeBytes: 5 * gb, totalBytes: 100 * gb).verdict == .warn)
        #expect(DiagnosticRules.disk(freeBytes: 4 * gb, totalBytes: 100 * gb).verdict == .fail)
        // Plenty of percent on a small disk is still too few bytes for the journal.
        #expect(DiagnosticRules.disk(freeBytes: 199 * mb, totalBytes: 400 * mb).verdict == .fail)
        #expect(DiagnosticRules.disk(freeBytes: 200 * mb, totalBytes: 400 * mb) == .ok)
        #expect(DiagnosticRules.disk(freeBytes: 0, totalBytes: 0).verdict == .fail)
        #expect(DiagnosticRules.disk(freeBytes: 1 * mb, totalBytes: 2 * mb).actor == .technician)
    }

    @Test func clockSkewWarnsPastAMinuteAndFailsPastFiveEitherWay() {
        #expect(DiagnosticRules.clockSkew(seconds: 0) == .ok)
        #expect(DiagnosticRules.clockSkew(seconds: 60) == .ok)
        #expect(DiagnosticRules.clockSkew(seconds: -60.5).verdict == .warn)
        #expect(DiagnosticRules.clockSkew(seconds: 61).verdict == .warn)
        #expect(DiagnosticRules.clockSkew(seconds: 300).verdict == .warn)
        #expect(DiagnosticRules.clockSkew(seconds: 301).verdict == .fail)
        #expect(DiagnosticRules.clockSkew(seconds: -3600).verdict == .fail)
        #expect(DiagnosticRules.clockSkew(seconds: 400).actor == .technician)
    }

    @Test func outboxBacklogWarnsAndNamesWhoActs() {
        #expect(DiagnosticRules.outbox(pending: 1000, oldestAgeSeconds: 3600, lastDeliveryFailed: true) == .ok)
        #expect(DiagnosticRules.outbox(pending: 0, oldestAgeSeconds: nil, lastDeliveryFailed: false) == .ok)
        let many = DiagnosticRules.outbox(pending: 1001, oldestAgeSeconds: 10, lastDeliveryFailed: true)
        #expect(many.verdict == .warn && many.actor == .operations, "the hub refuses: the centre acts")
        let old = DiagnosticRules.outbox(pending: 3, oldestAgeSeconds: 3601, lastDeliveryFailed: false)
        #expect(old.verdict == .warn && old.actor == .technician, "nothing even tried: kioskd is not delivering")
    }

    @Test func theTerminalNeedsFortyByTwelve() {
        #expect(DiagnosticRules.terminalSize(columns: 40, rows: 12) == .ok)
        #expect(DiagnosticRules.terminalSize(columns: 39, rows: 24).verdict == .fail)
        #expect(DiagnosticRules.terminalSize(columns: 80, rows: 11).verdict == .fail)
    }

    @Test func verdictsOrderOkWarnFail() {
        #expect(Verdict.ok < .warn && Verdict.warn < .fail)
        #expect([Verdict.warn, .fail, .ok].max() == .fail)
    }

    @Test func resultsEncodeWithTheContractKeysAndRawValues() throws {
        let results = [
            DiagnosticResult.ok("pcscd", "pcscd answers"),
            DiagnosticResult(
                check: "printer kiosk-a4", verdict: .fail, actor: .staff, detail: "paper out", action: "load paper", actionZh: "请装纸"),
        ]
        let data = try JSONEncoder().encode(results)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(json[0].keys.sorted() == ["action", "actor", "check", "detail", "verdict"])
        #expect(json[0]["verdict"] as? String == "ok" && json[0]["actor"] as? String == "none")
        #expect(json[1]["verdict"] as? String == "fail" && json[1]["actor"] as? String == "staff")
        #expect(json[1]["actionZh"] as? String == "请装纸")
        #expect(try JSONDecoder().decode([DiagnosticResult].self, from: data) == results)
    }
}
