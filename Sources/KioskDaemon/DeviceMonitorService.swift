import Foundation
import KioskCore
import Logging
import ServiceLifecycle

/// Feeds the DeviceMonitor: the printers as their adapters report them (they poll the printer
/// itself, since cupsd does not poll an idle one), and every `interval` the card reader and PSAM
/// as pcscd lists them, the store's disk, the renderer and the camera. What it reads is compared
/// by the monitor; only changes are journalled.
struct DeviceMonitorService: Service {
    let configuration: KioskConfiguration
    let monitor: DeviceMonitor
    let printers: [PrinterRole: any KioskPrinter]
    let readers: any ReaderDirectory
    let store: any RecordStore
    /// Whether kiosk-render can be started (checked once: it is a file, not a peer).
    let rendererPresent: Bool
    var interval: Duration = .seconds(5)
    let logger: Logger
    /// Called when the store's disk is under its floor: new sessions must stop, so the
    /// supervisor replaces this front (between citizens) with one out of service for the disk.
    /// Asked again every `storeFullRepeat` polls while it lasts, in case a citizen held it off.
    var onStoreFull: (@Sendable (String) -> Void)? = nil
    var storeFullRepeat = 12

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for (role, printer) in printers {
                    group.addTask {
                        for await snapshot in printer.statusUpdates() {
                            let (state, reasons) = DeviceHealthBook.printerState(snapshot)
                            await monitor.observe(.printer(role), state, reasons: reasons)
                        }
                    }
                }
                group.addTask {
                    await monitor.observePresence(.renderer, present: rendererPresent, absentReason: "missing")
                    var fullPolls = 0
                    while !Task.isCancelled {
                        let health = await pollOnce()
                        if health.canStartSessions {
                            fullPolls = 0
                        } else {
                            if fullPolls % storeFullRepeat == 0 { onStoreFull?(health.reason ?? "the store's disk is nearly full") }
                            fullPolls += 1
                        }
                        do { try await Task.sleep(for: interval) } catch { return }
                    }
                }
            }
        }
    }

    /// One round of the polled devices; the store's health is returned for the caller to act on.
    @discardableResult
    func pollOnce() async -> StoreHealth {
        await pollReaders()
        let health = store.health()
        if !health.canStartSessions {
            await monitor.observe(.store, .failed, reasons: ["disk-full"])
        } else if health.freeBytes < health.minimumFreeBytes * 2 {
            // Said before it stops sessions: the floor is twice as far as where sessions stop.
            await monitor.observe(.store, .degraded, reasons: ["disk-low"])
        } else {
            await monitor.observe(.store, .ok)
        }
        if let device = configuration.camera.device {
            // The pipeline runs only while a citizen is verified; between them, its device node
            // is what can be watched (a camera unplugged takes it away).
            await monitor.observePresence(.camera, present: FileManager.default.fileExists(atPath: device))
        } else if configuration.camera.pipeline.isEmpty, !configuration.camera.folder.isEmpty {
            var isFolder: ObjCBool = false
            let present = FileManager.default.fileExists(atPath: configuration.camera.folder, isDirectory: &isFolder) && isFolder.boolValue
            await monitor.observePresence(.camera, present: present)
        }
        return health
    }

    private func pollReaders() async {
        let psam = configuration.card.psamReader
        do {
            let listed = try await readers.readers()
            let found = listed.map(\.name)
            let slot = configuration.card.reader
            // No reader named: any reader but the PSAM's is the slot (as CardSlotFilter decides).
            let slotPresent = slot.isEmpty ? found.contains { $0 != psam } : found.contains(slot)
            await monitor.observe(.cardReader, slotPresent ? .ok : .failed, reasons: slotPresent ? [] : ["gone"])
            if !psam.isEmpty {
                // A SAM slot without a PSAM in it is as good as no PSAM.
                await monitor.observePresence(.psam, present: listed.contains { $0.name == psam && $0.cardPresent })
            }
        } catch {
            // pcscd itself is away: neither reader can be reached.
            await monitor.observe(.cardReader, .failed, reasons: ["no-service"])
            if !psam.isEmpty { await monitor.observe(.psam, .failed, reasons: ["no-service"]) }
        }
    }

}
