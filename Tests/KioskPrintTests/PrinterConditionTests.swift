import KioskCore
import Testing

@Suite struct PrinterConditionTests {
    @Test(arguments: [
        (["none"], "idle", PrinterCondition.ready),
        (["media-low-report"], "idle", .paperLow),
        (["media-empty-warning"], "processing", .paperOut),
        (["media-empty-error"], "stopped", .paperOut),
        (["media-needed"], "processing", .paperOut),
        (["media-jam-warning", "media-empty-warning"], "processing", .jammed),
        (["door-open-error"], "processing", .doorOpen),
        (["cover-open-report"], "idle", .doorOpen),
        (["paused"], "stopped", .stopped),
        ([], "stopped", .stopped),
        (["offline-report"], "idle", .offline),
        (["cups-waiting-for-job-completed"], "processing", .ready),
    ])
    func reasonsMapToTheSmallModel(reasons: [String], state: String, expected: PrinterCondition) {
        #expect(PrinterCondition.from(state: state, reasons: reasons) == expected)
    }

    @Test func aQueueNotAcceptingJobsIsStopped() {
        #expect(PrinterCondition.from(state: "idle", reasons: [], acceptingJobs: false) == .stopped)
    }

    @Test func readyPaperLowAndUnconfirmedCanPrint() {
        #expect(PrinterCondition.allCases.filter { $0.canPrint } == [.ready, .paperLow, .unconfirmed])
    }

    /// A USB or serial printer: cupsd's word is live during a job, unconfirmed at idle (the last
    /// job's fault still held), and a stopped queue is cupsd's own fact.
    @Test(arguments: [
        ([String](), "idle", PrinterCondition.unconfirmed, PrinterCondition?.none),
        (["media-empty-error"], "idle", .unconfirmed, .paperOut),
        (["media-low-report"], "idle", .unconfirmed, .paperLow),
        ([], "processing", .ready, nil),
        (["media-empty-error"], "processing", .paperOut, nil),
        (["media-jam-error"], "processing", .jammed, nil),
        (["paused"], "stopped", .stopped, nil),
        (["media-empty-error"], "stopped", .paperOut, nil),
    ])
    func aPrinterNobodyCanAskIsUnconfirmedWhileIdle(
        reasons: [String], state: String, expected: PrinterCondition, lastReported: PrinterCondition?
    ) {
        let condition = PrinterCondition.fromQueueOnly(state: state, reasons: reasons)
        #expect(condition == expected)
        let snapshot = PrinterSnapshot(queue: "kiosk-receipt", condition: condition, state: state, reasons: reasons)
        #expect(snapshot.lastReportedFault == lastReported)
        #expect(snapshot.shownCondition == lastReported ?? condition)
        #expect(snapshot.shownCondition != .ready || state == "processing", "idle is never shown as ready")
    }

    @Test func aQueueNotAcceptingJobsIsStoppedEvenWhenNobodyCanAskItsPrinter() {
        #expect(PrinterCondition.fromQueueOnly(state: "idle", reasons: [], acceptingJobs: false) == .stopped)
    }

    @Test func jobStatesFromIPP() {
        #expect(PrintJobState(ippValue: 9) == .completed)
        #expect(PrintJobState(ippValue: 5) == .processing)
        #expect(PrintJobState(ippValue: 2) == nil)
        #expect([PrintJobState.completed, .aborted, .cancelled].allSatisfy { $0.isFinal })
        #expect(!PrintJobState.processing.isFinal)
    }
}
