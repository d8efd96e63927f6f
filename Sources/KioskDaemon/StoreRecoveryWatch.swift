import KioskControlServer
import KioskCore
import ServiceLifecycle

/// Part of a front that is out of service because the store's disk is under its floor: once a
/// technician has made room (10 % above the floor), the supervisor is asked for a front that
/// serves, so the kiosk does not wait for a restart. The check is a statvfs, every few seconds.
struct StoreRecoveryWatch: Service {
    let store: any RecordStore
    let desk: ConfigDesk
    var interval: Duration = .seconds(5)

    func run() async throws {
        let asked = await cancelWhenGracefulShutdown { () async -> Bool in
            while true {
                do { try await Task.sleep(for: interval) } catch { return false }
                let health = store.health()
                if health.hasRoomToResume {
                    desk.restartFront("the store's disk has room again (\(health.freeBytes >> 20) MB free)")
                    return true
                }
            }
        }
        // A service that returns would end the front's group, which stops the daemon: once it
        // has asked, this one waits for the supervisor to stop the front.
        if asked == true { try? await gracefulShutdown() }
    }
}
