import Foundation
import Testing

@testable import KioskCore

/// The book of device states: a fault is one change when it starts and one when it ends, however
/// often it is polled; reasons compare as sets; unknown never ends a fault.
@Suite struct DeviceHealthBookTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFaultPolledManyTimesIsOneBeganAndOneEnded() {
        var book = DeviceHealthBook()
        #expect(book.observe(.receiptPrinter, state: .ok, at: t0) == nil)
        let began = book.observe(.receiptPrinter, state: .failed, reasons: ["media-empty"], at: t0 + 1)
        #expect(began?.phase == .began && began?.newReasons == ["media-empty"])
        for second in 2..<50 {
            #expect(book.observe(.receiptPrinter, state: .failed, reasons: ["media-empty"], at: t0 + Double(second)) == nil)
        }
        let ended = book.observe(.receiptPrinter, state: .ok, at: t0 + 91)
        #expect(ended?.phase == .ended && ended?.reasons == ["media-empty"] && ended?.lastedSeconds == 90)
        #expect(book.observe(.receiptPrinter, state: .ok, at: t0 + 92) == nil)
    }

    @Test func reasonsCompareAsSetsAndOnlyNewOnesAreNew() {
        var book = DeviceHealthBook()
        _ = book.observe(.a4Printer, state: .failed, reasons: ["media-empty", "door-open"], at: t0)
        #expect(book.observe(.a4Printer, state: .failed, reasons: ["door-open", "media-empty", "door-open"], at: t0 + 1) == nil)
        let more = book.observe(.a4Printer, state: .failed, reasons: ["door-open", "media-empty", "media-jam"], at: t0 + 2)
        #expect(more?.phase == .began && more?.newReasons == ["media-jam"])
        // Fewer reasons is a change (the heartbeat shows it) but nothing new to count.
        let fewer = book.observe(.a4Printer, state: .failed, reasons: ["media-jam"], at: t0 + 3)
        #expect(fewer?.newReasons == [])
    }

    @Test func aDeviceFirstSeenFailedBeginsAFaultAndUnknownDoesNotEndIt() {
        var book = DeviceHealthBook()
        #expect(book.observe(.cardReader, state: .failed, reasons: ["no-service"], at: t0)?.phase == .began)
        #expect(book.observe(.cardReader, state: .unknown, at: t0 + 1) == nil)
        #expect(book.state(of: .cardReader) == .failed)
        #expect(book.observe(.cardReader, state: .ok, at: t0 + 2)?.phase == .ended)
        #expect(book.state(of: .psam) == .unknown)
    }

    @Test func degradedIsAFaultButTheDeviceIsUp() {
        var book = DeviceHealthBook()
        let low = book.observe(.store, state: .degraded, reasons: ["disk-low"], at: t0)
        #expect(low?.phase == .began && DeviceState.degraded.isUp && !DeviceState.failed.isUp)
        let full = book.observe(.store, state: .failed, reasons: ["disk-full"], at: t0 + 1)
        #expect(full?.phase == .began && full?.newReasons == ["disk-full"])
    }

    @Test func theHeartbeatListsDevicesInTheContractsOrderWithWhenTheirStateBegan() {
        var book = DeviceHealthBook()
        _ = book.observe(.store, state: .ok, at: t0)
        _ = book.observe(.cardReader, state: .ok, at: t0 + 1)
        _ = book.observe(.cardReader, state: .ok, at: t0 + 5)
        #expect(book.devices.map(\.device) == ["card-reader", "store"])
        #expect(book.devices.first?.since == StoreTime.format(t0 + 1))
    }

    @Test(arguments: [
        (PrinterCondition.ready, DeviceState.ok, [String]()),
        (.paperLow, .degraded, ["media-low"]),
        (.paperOut, .failed, ["media-empty"]),
        (.stopped, .failed, ["stopped"]),
        (.jammed, .failed, ["media-jam"]),
        (.doorOpen, .failed, ["door-open"]),
        (.offline, .failed, ["offline"]),
    ])
    func printerConditionsMapToStates(condition: PrinterCondition, state: DeviceState, reasons: [String]) {
        let snapshot = PrinterSnapshot(
            queue: "kiosk-a4", condition: condition, state: "idle", reasons: condition == .paperOut ? ["media-empty-error"] : [],
            media: [])
        let (mapped, words) = DeviceHealthBook.printerState(snapshot)
        #expect(mapped == state && words == reasons)
    }

    /// A printer nobody can ask is unknown to the centre, unless its last job met a fault: that
    /// stands (and its alert fires) until a job says otherwise.
    @Test func anUnconfirmedPrinterIsUnknownOrFailedWithItsLastReportedFault() {
        let quiet = PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: [])
        #expect(DeviceHealthBook.printerState(quiet) == (.unknown, ["unconfirmed"]))
        let empty = PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: ["media-empty-error"])
        #expect(DeviceHealthBook.printerState(empty) == (.failed, ["media-empty"]))
    }
}
