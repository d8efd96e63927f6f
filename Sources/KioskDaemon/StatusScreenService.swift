import Foundation
import KioskConsole
import KioskCore
import KioskDiagnostics
import Logging
import ServiceLifecycle

/// Shows the device status screen on the kiosk terminal and refreshes it: readers, printers,
/// hub. Each refresh asks the peers afresh, so a peer that goes down or comes back shows within
/// one interval. Ends at graceful shutdown and leaves the terminal clean.
public struct StatusScreenService: Service {
    let configuration: KioskConfiguration
    let readers: any ReaderDirectory
    let printers: any PrinterDirectory
    let hub: any HubClient
    let terminal: TerminalOutput
    let logger: Logger
    var notifier = SystemdNotifier()
    var watchdog = SystemdNotifier.watchdogInterval()

    public func run() async throws {
        let renderer = StatusScreenRenderer()
        let first = StatusScreen(
            hall: configuration.kiosk.hall, kioskId: configuration.kiosk.id,
            time: Self.clock(), hubURL: configuration.hub.url)
        terminal.draw(renderer.render(first, columns: terminal.size().columns, rows: terminal.size().rows))
        defer { terminal.restore() }
        notifier.notify("READY=1\nSTATUS=device status screen up")
        let refreshEvery: Duration = .seconds(configuration.console.refreshSeconds)
        await cancelWhenGracefulShutdown { [notifier, watchdog] in
            var screen = first
            while !Task.isCancelled {
                await refresh(&screen)
                let size = terminal.size()
                terminal.draw(renderer.render(screen, columns: size.columns, rows: size.rows))
                // Fed where the screen is refreshed: a refresh stuck on a peer stops the pings.
                if watchdog != nil { notifier.notify("WATCHDOG=1") }
                try? await Task.sleep(for: watchdog.map { min($0, refreshEvery) } ?? refreshEvery)
            }
        }
    }

    private func refresh(_ screen: inout StatusScreen) async {
        async let survey = DeviceSurvey.take(readers: readers, printers: printers)
        let hubResult: Result<HubHealth, any Error>
        do { hubResult = .success(try await hub.health()) } catch { hubResult = .failure(error) }
        let devices = await survey
        screen.time = Self.clock()
        switch devices.readers {
        case .success(let list):
            screen.readers = list
            screen.readersCheck = list.isEmpty ? .failed("没有读卡器 no reader") : .ok("\(list.count)")
        case .failure(let error):
            screen.readers = []
            screen.readersCheck = .failed(error.message)
            logger.warning("readers unavailable", metadata: ["error": "\(error)"])
        }
        switch devices.printers {
        case .success(let list):
            screen.printers = list
            let faulty = list.filter { $0.state == "stopped" || $0.reasons.contains { $0.hasSuffix("-error") } }
            screen.printersCheck =
                list.isEmpty
                ? .failed("没有打印机 no printer")
                : faulty.isEmpty ? .ok("\(list.count)") : .warning("\(faulty.count)/\(list.count)")
        case .failure(let error):
            screen.printers = []
            screen.printersCheck = .failed(error.message)
            logger.warning("printers unavailable", metadata: ["error": "\(error)"])
        }
        switch hubResult {
        case .success(let h): screen.hubCheck = .ok(String(format: "%.0f ms", h.latencyMs))
        case .failure(let error): screen.hubCheck = .failed((error as? KioskError)?.message ?? "\(error)")
        }
    }

    static func clock() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: .now)
    }
}
