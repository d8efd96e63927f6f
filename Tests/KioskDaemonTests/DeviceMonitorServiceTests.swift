import Foundation
import KioskCore
import KioskTesting
import Logging
import Prometheus
import Testing

@testable import KioskDaemon

/// The polled devices: the card slot and PSAM as pcscd lists them (gone, pcscd away), the
/// store's disk (a fault before the floor stops sessions), each change one journal record.
@Suite struct DeviceMonitorServiceTests {
    static func service(
        readers: Result<[ReaderStatus], KioskError>, store: InMemoryRecordStore, psam: String = "SAM 00"
    ) -> (DeviceMonitorService, DeviceMonitor) {
        var configuration = KioskConfiguration()
        configuration.card.reader = "Slot 00"
        configuration.card.psamReader = psam
        let monitor = DeviceMonitor(store: store, metrics: KioskMetrics(registry: PrometheusCollectorRegistry()), logger: quiet("t"))
        let service = DeviceMonitorService(
            configuration: configuration, monitor: monitor, printers: [:], readers: FakeReaderDirectory(readers), store: store,
            rendererPresent: true, logger: quiet("t"))
        return (service, monitor)
    }

    static func reader(_ name: String) -> ReaderStatus { ReaderStatus(name: name, cardPresent: false, atr: nil) }

    @Test func aMissingPSAMAndPcscdGoneAreFaultsOfTheirDevices() async throws {
        let store = InMemoryRecordStore()
        let (present, monitor) = Self.service(readers: .success([Self.reader("Slot 00")]), store: store)
        await present.pollOnce()
        #expect(await monitor.state(of: .cardReader) == .ok)
        #expect(await monitor.state(of: .psam) == .failed)
        let (gone, _) = Self.service(readers: .failure(KioskError(.pcscUnavailable, "no pcscd")), store: store)
        let goneOnSameMonitor = DeviceMonitorService(
            configuration: gone.configuration, monitor: monitor, printers: [:], readers: gone.readers, store: store,
            rendererPresent: true, logger: quiet("t"))
        await goneOnSameMonitor.pollOnce()
        await goneOnSameMonitor.pollOnce()
        let devices = await monitor.devices
        #expect(devices.first { $0.device == "card-reader" }?.reasons == ["no-service"])
        #expect(devices.first { $0.device == "psam" }?.reasons == ["no-service"])
        // psam: gone, then no-service (a change of reasons); card reader: began once; polled twice.
        let faults = store.journal.filter { $0.kind == .deviceFault }
        #expect(faults.map { $0.payload["device"] } == [.string("psam"), .string("card-reader"), .string("psam")], "\(faults)")
    }

    @Test func theDiskIsAFaultBeforeItsFloorStopsSessions() async throws {
        let store = InMemoryRecordStore()
        let floor: Int64 = 50 << 20
        let (service, monitor) = Self.service(readers: .success([Self.reader("Slot 00"), Self.reader("SAM 00")]), store: store)
        store.setHealth(StoreHealth(freeBytes: floor * 3, minimumFreeBytes: floor, canStartSessions: true, reason: nil))
        await service.pollOnce()
        #expect(await monitor.state(of: .store) == .ok)
        store.setHealth(StoreHealth(freeBytes: floor + floor / 2, minimumFreeBytes: floor, canStartSessions: true, reason: nil))
        await service.pollOnce()
        #expect(await monitor.state(of: .store) == .degraded)
        store.setHealth(StoreHealth(freeBytes: floor / 2, minimumFreeBytes: floor, canStartSessions: false, reason: "disk full"))
        await service.pollOnce()
        #expect(await monitor.state(of: .store) == .failed)
        let reasons = store.journal.filter { $0.payload["device"] == .string("store") }.map { $0.payload["reasons"] }
        #expect(reasons == [.string("disk-low"), .string("disk-full")])
    }

    /// Only an authentication tells a PSAM that answers wrongly from a good one: its verdict holds
    /// through the presence polls while the PSAM stays in, and a PSAM taken out and put back starts
    /// afresh.
    @Test func thePSAMsLastAuthenticationHoldsWhileItStaysIn() async throws {
        let store = InMemoryRecordStore()
        let samIn = ReaderStatus(name: "SAM 00", cardPresent: true, atr: "3B6C0000")
        let (inSlot, monitor) = Self.service(readers: .success([Self.reader("Slot 00"), samIn]), store: store)
        await inSlot.pollOnce()
        #expect(await monitor.state(of: .psam) == .ok)

        await monitor.notePSAMAuthentication(.psamError)
        await inSlot.pollOnce()
        #expect(await monitor.state(of: .psam) == .failed, "a poll that sees the PSAM in its slot must not clear the verdict")
        #expect(await monitor.devices.first { $0.device == "psam" }?.reasons == ["psam-error"])
        await monitor.notePSAMAuthentication(nil)
        #expect(await monitor.state(of: .psam) == .ok)

        await monitor.notePSAMAuthentication(.keyRefused)
        let (out, _) = Self.service(readers: .success([Self.reader("Slot 00"), Self.reader("SAM 00")]), store: store)
        let outOnSameMonitor = DeviceMonitorService(
            configuration: out.configuration, monitor: monitor, printers: [:], readers: out.readers, store: store,
            rendererPresent: true, logger: quiet("t"))
        await outOnSameMonitor.pollOnce()
        #expect(await monitor.devices.first { $0.device == "psam" }?.reasons == ["gone"])
        await inSlot.pollOnce()
        #expect(await monitor.state(of: .psam) == .ok, "a PSAM put back is judged afresh")
        let phases = store.journal.filter { $0.payload["device"] == .string("psam") }.map { $0.payload["phase"] }
        #expect(phases == [.string("began"), .string("ended"), .string("began"), .string("began"), .string("ended")], "\(phases)")
    }

    /// pcscd going and coming back, then the card reader unplugged and plugged in again: each
    /// fault begins once (a change of reasons is a new record) and ends when the reader is back.
    @Test func pcscdAndTheCardReaderComingBackEndTheirFaults() async throws {
        let store = InMemoryRecordStore()
        let samIn = ReaderStatus(name: "SAM 00", cardPresent: true, atr: "3B6C0000")
        let (both, monitor) = Self.service(readers: .success([Self.reader("Slot 00"), samIn]), store: store)
        func poll(_ readers: Result<[ReaderStatus], KioskError>) async {
            let (template, _) = Self.service(readers: readers, store: store)
            await DeviceMonitorService(
                configuration: template.configuration, monitor: monitor, printers: [:], readers: template.readers, store: store,
                rendererPresent: true, logger: quiet("t")
            ).pollOnce()
        }
        await both.pollOnce()
        await poll(.failure(KioskError(.pcscUnavailable, "no pcscd")))
        await poll(.failure(KioskError(.pcscUnavailable, "no pcscd")))
        await both.pollOnce()
        #expect(await monitor.state(of: .cardReader) == .ok, "pcscd back")
        #expect(await monitor.state(of: .psam) == .ok, "pcscd back")
        await poll(.success([samIn]))
        await both.pollOnce()
        #expect(await monitor.state(of: .cardReader) == .ok, "the reader back")
        let reader = store.journal.filter { $0.payload["device"] == .string("card-reader") }.map {
            [$0.payload["phase"], $0.payload["reasons"]]
        }
        #expect(
            reader == [
                [.string("began"), .string("no-service")], [.string("ended"), .string("no-service")],
                [.string("began"), .string("gone")], [.string("ended"), .string("gone")],
            ], "\(reader)")
    }
}
