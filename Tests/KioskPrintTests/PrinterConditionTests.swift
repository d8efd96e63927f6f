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

    @Test func onlyReadyAndPaperLowCanPrint() {
        #expect(PrinterCondition.allCases.filter { $0.canPrint } == [.ready, .paperLow])
    }

    @Test func jobStatesFromIPP() {
        #expect(PrintJobState(ippValue: 9) == .completed)
        #expect(PrintJobState(ippValue: 5) == .processing)
        #expect(PrintJobState(ippValue: 2) == nil)
        #expect([PrintJobState.completed, .aborted, .cancelled].allSatisfy { $0.isFinal })
        #expect(!PrintJobState.processing.isFinal)
    }
}
