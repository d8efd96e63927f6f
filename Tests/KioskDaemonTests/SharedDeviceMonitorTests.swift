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
        let devices = SharedDeviceMonitor()
        func front() -> DeviceMonitor {
            devices.monitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("t"))
        }
        await front().observe(.a4Printer, .failed, reasons: ["media-empty-error"])
        let next = front()
        await next.observe(.a4Printer, .failed, reasons: ["media-empty-error"])
        await next.observe(.a4Printer, .ok)
        let faults = store.journal.filter { $0.kind == .deviceFault }
        #expect(faults.map { $0.payload["phase"] } == [.string("began"), .string("ended")], "\(faults)")
        #expect(await next.state(of: .a4Printer) == .ok)
    }
}
