import Foundation
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import ServiceLifecycle

/// Runs the citizen side of kioskd as a series of fronts, one per configuration (a front is a
/// ServiceGroup: screen and keypad, outbox, print reconciliation, hub poller, hub client). A
/// new bundle is swapped in between citizens by a `ConfigTransaction`; bundles and rollbacks
/// arrive on the `ConfigDesk`, from the control socket and the hub poller, and are handled one
/// at a time. The store and the control state outlive the fronts.
struct KioskSupervisor<Store: RecordStore>: Service {
    let site: KioskConfiguration
    /// The site file `site` came from: signed bundles are merged over it. Without it kioskd runs
    /// `site` as given and refuses bundles.
    let sitePath: String?
    let openStore: @Sendable () throws -> Store
    let fronts: FrontFactory<Store>
    let control: KioskControlState
    let desk: ConfigDesk
    let logger: Logger

    func run() async throws {
        let store: Store
        do {
            store = try openStore()
        } catch {
            // No store: no sessions and no configuration history; the notice says why.
            let reason = (error as? KioskError) ?? KioskError(.store, "\(error)")
            logger.critical("out of service: \(reason)")
            let front = fronts.outOfService(reason, site)
            await withGracefulShutdownHandler {
                for await request in desk.requests { request.decline("the kiosk is out of service: \(reason)") }
            } onGracefulShutdown: {
                desk.close()
            }
            await front.stop()
            return
        }
        var running = await RunningConfiguration.load(site: site, sitePath: sitePath, store: store, logger: logger)
        // Before the control socket can reach the store: a "maintenance off" must not be overwritten.
        let maintenanceFile = URL(fileURLWithPath: site.store.path).deletingLastPathComponent().appendingPathComponent("maintenance.json")
        if let kept = await control.restoreMaintenance(from: maintenanceFile) {
            logger.notice("maintenance mode kept from before the restart", metadata: ["reason": "\(kept.reason ?? "")"])
        }
        await control.setStore(store)
        await control.setConfig(running.status, configuration: running.configuration)
        let slot = FrontSlot(starting: running.configuration, factory: fronts, store: store, control: control)
        let transaction = ConfigTransaction(site: site, sitePath: sitePath, store: store, fronts: slot, logger: logger)
        var failure: String?

        await withGracefulShutdownHandler {
            for await request in desk.requests {
                if Task.isShuttingDownGracefully {
                    request.decline("kioskd is stopping")
                    continue
                }
                switch request {
                // The status is updated before the reply: `config apply` then `config status` agree.
                case .apply(let data, let source, let uid, let reply):
                    let outcome = await transaction.apply(data, source: source, uid: uid, running: &running)
                    await control.setConfig(running.status, configuration: running.configuration)
                    reply(outcome)
                case .rollback(let uid, let reply):
                    let outcome = await transaction.rollback(uid: uid, running: &running)
                    await control.setConfig(running.status, configuration: running.configuration)
                    reply(outcome)
                case .restartFront(let why):
                    // Asked again while it lasts, or overtaken by a bundle's swap: nothing to do
                    // unless the running front disagrees with the disk now.
                    let health = store.health()
                    let forDisk = await slot.outOfServiceForDisk
                    guard forDisk ? health.hasRoomToResume : !health.canStartSessions else { continue }
                    // Between citizens, like a bundle: the one at the kiosk finishes first.
                    if !forDisk, let busy = await slot.waitForPause() {
                        logger.warning("the front is not started anew (\(why)): \(busy)")
                        continue
                    }
                    logger.notice("the front is started anew: \(why)")
                    await slot.swap(to: running.configuration)
                case .generationEnded(let why):
                    failure = why
                    desk.close()
                }
            }
        } onGracefulShutdown: {
            desk.close()
        }
        await slot.stop()
        try? store.close()
        if let failure { throw KioskError(.configuration, "the kiosk front stopped by itself: \(failure)") }
    }
}
