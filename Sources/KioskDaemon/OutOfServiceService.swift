import KioskConsole
import KioskCore
import ServiceLifecycle

/// What the screen says when the kiosk must not serve citizens (a damaged or newer store, a
/// disk nearly full, a configuration that does not load): a plain notice for the citizen and the
/// reason for the technician, until the daemon is stopped (or, for the store's disk, until
/// there is room again: `StoreRecoveryWatch` has the front replaced). Nothing is written anywhere. Without
/// a terminal (the tty cannot be opened) the reason goes to the log alone. Either way systemd
/// hears READY=1 and the watchdog is fed: a kiosk out of service stays up for its technician.
struct OutOfServiceService: Service {
    let reason: KioskError
    let output: TerminalOutput?
    let kioskId: String
    var notifier = SystemdNotifier()
    var watchdog = SystemdNotifier.watchdogInterval()

    func run() async throws {
        guard let output else {
            await notifier.readyUntilShutdown(status: "out of service, no screen: \(reason.message)", watchdog: watchdog)
            return
        }
        let size = output.size()
        var lines = [
            "", DisplayWidth.center("本机暂停服务", in: size.columns), DisplayWidth.center("This kiosk is out of service", in: size.columns), "",
            DisplayWidth.center("请到人工窗口办理业务", in: size.columns), DisplayWidth.center("Please go to a service counter", in: size.columns),
            "",
        ]
        lines += DisplayWidth.wrap("技术人员 technicians: \(reason.description)", to: size.columns)
        lines = Array(lines.prefix(size.rows - 1))
        lines += Array(repeating: "", count: max(0, size.rows - 1 - lines.count)) + [kioskId]
        output.draw(lines.map { DisplayWidth.fit($0, to: size.columns) })
        await notifier.readyUntilShutdown(status: "out of service: \(reason.message)", watchdog: watchdog)
        output.restore()
    }
}
