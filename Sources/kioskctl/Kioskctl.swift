import ArgumentParser
import KioskCore

/// kioskctl: the technicians' and operators' tool. Thin: each subcommand asks the daemon over its
/// control socket (KioskControl's ControlClient), or the devices through KioskDiagnostics and the
/// adapters; it never links KioskDaemon or KioskControlServer.
@main
struct KioskctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskctl",
        abstract: "Diagnose and operate a kiosk: devices, card, printers, hub, journal, configuration.",
        version: KioskVersion.current,
        subcommands: [
            SetupCommand.self, DevicesCommand.self, CardCommand.self, PrinterCommand.self, PrintCommand.self, HubCommand.self,
            JournalCommand.self,
            OutboxCommand.self, MaintenanceCommand.self, ConfigCommand.self, DiagCommand.self,
        ])
}
