import KioskCore
import KioskTesting
import Prometheus
import Synchronization
import Testing

@testable import KioskDaemon

/// The renderer and the camera are faults by what they do, not only by being there: a render or
/// a capture that fails begins a fault, the next that works ends it, and the presence polls in
/// between neither end it nor begin it again.
@Suite struct MonitoredDevicesTests {
    /// Fails while `failing` is set.
    final class Flaky: DocumentRendering, FaceCamera, Sendable {
        let failing = Mutex(true)
        func check() throws { if failing.withLock({ $0 }) { throw KioskError(.printer, "kiosk-render exited with signal 9") } }
        func receipt(_ content: ReceiptContent) async throws -> RenderedDocument {
            try check()
            return RenderedDocument(pdf: [0x25], pages: 1)
        }
        func certificate(_ content: CertificateContent) async throws -> RenderedDocument {
            try check()
            return RenderedDocument(pdf: [0x25], pages: 1)
        }
        func capture(count: Int) async throws -> [FaceFrame] {
            try check()
            return [FaceFrame(jpeg: [0xFF, 0xD8])]
        }
    }

    static let receipt = ReceiptContent(
        hall: "测试大厅", kioskId: "KIOSK-T-0001", time: "2026-12-05T10:00:00Z", service: "缴费查询", outcome: "已查询",
        holderName: "张*", holderSSN: nil, transactionNo: "TX-1", verifyUrl: nil)

    static func faults(_ store: InMemoryRecordStore, _ device: String) -> [String] {
        store.journal.filter { $0.kind == .deviceFault && $0.payload["device"] == .string(device) }.compactMap {
            if case .string(let phase) = $0.payload["phase"] { return phase }
            return nil
        }
    }

    @Test func aFailedRenderIsTheRenderersFaultUntilOneWorks() async throws {
        let store = InMemoryRecordStore()
        let monitor = DeviceMonitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("t"))
        let flaky = Flaky()
        let renderer = MonitoredRenderer(inner: flaky, monitor: monitor)
        await monitor.observePresence(.renderer, present: true, absentReason: "missing")
        await #expect(throws: KioskError.self) { try await renderer.receipt(Self.receipt) }
        #expect(await monitor.state(of: .renderer) == .failed)
        await monitor.observePresence(.renderer, present: true, absentReason: "missing")
        #expect(await monitor.state(of: .renderer) == .failed, "the poll (a file) does not end a failing renderer's fault")
        flaky.failing.withLock { $0 = false }
        _ = try await renderer.receipt(Self.receipt)
        #expect(await monitor.state(of: .renderer) == .ok)
        #expect(Self.faults(store, "renderer") == ["began", "ended"])
    }

    @Test func aFailedCaptureIsTheCamerasFaultUntilOneWorksOrItIsUnplugged() async throws {
        let store = InMemoryRecordStore()
        let monitor = DeviceMonitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("t"))
        let flaky = Flaky()
        let camera = MonitoredCamera(inner: flaky, monitor: monitor)
        await monitor.observePresence(.camera, present: true)
        await #expect(throws: KioskError.self) { _ = try await camera.capture(count: 1) }
        await monitor.observePresence(.camera, present: true)
        #expect(await monitor.state(of: .camera) == .failed, "the device node there does not end the fault")
        flaky.failing.withLock { $0 = false }
        _ = try await camera.capture(count: 1)
        #expect(await monitor.state(of: .camera) == .ok)
        // Unplugged after a failure: gone; plugged back: the old failure is forgotten.
        flaky.failing.withLock { $0 = true }
        _ = try? await camera.capture(count: 1)
        await monitor.observePresence(.camera, present: false)
        await monitor.observePresence(.camera, present: true)
        #expect(await monitor.state(of: .camera) == .ok)
        // Failed, back, failed again, then gone (a new reason), then back.
        #expect(Self.faults(store, "camera") == ["began", "ended", "began", "began", "ended"])
    }
}
