import KioskCore
import KioskTesting
import Prometheus
import Testing

@testable import KioskDaemon

/// Fronts come and go (a bundle applied, out of service and back); a device's fault lasting
/// through them is one record when it begins and one when it ends.
@Suite struct SharedDeviceMonitorTests {
    @Test func aFaultLastingThroughANewFrontIsOneRecordEachWay() async throws {
        let store = InMemoryRecordStore()
        let devices = SharedDeviceMonitor { KioskMetrics(registry: PrometheusCollectorRegistry()) }
        func front() -> DeviceMonitor { devices.monitor(store: store, logger: quiet("t")).monitor }
        await front().observe(.a4Printer, .failed, reasons: ["media-empty-error"])
        let next = front()
        await next.observe(.a4Printer, .failed, reasons: ["media-empty-error"])
        await next.observe(.a4Printer, .ok)
        let faults = store.journal.filter { $0.kind == .deviceFault }
        #expect(faults.map { $0.payload["phase"] } == [.string("began"), .string("ended")], "\(faults)")
        #expect(await next.state(of: .a4Printer) == .ok)
    }
}

/// A fault that begins while the store cannot write (its disk full) is not lost: its record
/// waits, and is written, before the fault's end, once the store takes writes again.
@Suite struct DeviceMonitorUnwrittenTests {
    @Test func aFaultRecordTheStoreRefusedIsWrittenBeforeItsEnd() async throws {
        let store = InMemoryRecordStore()
        let monitor = DeviceMonitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("t"))
        store.failNextWrites(2)
        await monitor.observe(.a4Printer, .failed, reasons: ["media-empty"])
        await monitor.observe(.a4Printer, .failed, reasons: ["media-empty"])
        #expect(store.journal.isEmpty)
        #expect(await monitor.state(of: .a4Printer) == .failed)
        await monitor.observe(.a4Printer, .ok)
        let phases = store.journal.filter { $0.kind == .deviceFault }.map { $0.payload["phase"] }
        #expect(phases == [.string("began"), .string("ended")], "\(phases)")
    }
}
