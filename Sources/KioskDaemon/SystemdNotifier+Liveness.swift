import ServiceLifecycle

extension SystemdNotifier {
    /// For a front with no event loop of its own (the out-of-service notice): says READY=1 with
    /// `status`, then feeds the watchdog until graceful shutdown. Under `Type=notify` a front that
    /// never says READY=1 is killed at start-up and restarted in a loop; under `WatchdogSec=` one
    /// that never pings is killed every period.
    func readyUntilShutdown(status: String, watchdog: Duration?) async {
        notify("READY=1\nSTATUS=\(status)")
        guard let watchdog else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                notify("WATCHDOG=1")
                try? await Task.sleep(for: watchdog)
            }
        }
    }
}
