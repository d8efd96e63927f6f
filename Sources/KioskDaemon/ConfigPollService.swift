import Foundation
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import ServiceLifecycle

/// Asks the hub for a newer signed bundle (GET /v1/kiosks/{id}/config with If-None-Match) every
/// `bundles.pollSeconds` ±20 % (so a fleet restarted together does not poll in step). A bundle is handed to
/// the supervisor without waiting: applying it stops this very front. (The heartbeat, with the
/// applied version, is HeartbeatService's.)
struct ConfigPollService: Service {
    let configuration: KioskConfiguration
    let hub: any HubClient
    let store: any RecordStore
    let control: KioskControlState
    let desk: ConfigDesk
    let logger: Logger

    func run() async throws {
        let interval = configuration.bundles.pollSeconds
        guard interval > 0 else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            // The first pull comes soon after start: a kiosk that was off learns of new bundles at once.
            var delay = min(interval, 2.0) * Double.random(in: 0.5...1.0)
            while !Task.isCancelled {
                do { try await Task.sleep(for: .seconds(delay)) } catch { return }
                await pull()
                delay = interval * Double.random(in: 0.8...1.2)
            }
        }
    }

    private func pull() async {
        guard await !control.hubBundlePending else { return }
        do {
            switch try await hub.kioskConfig(etag: await control.lastETag) {
            case .notModified, .none:
                await control.notePull(etag: await control.lastETag)
            case .bundle(let data, let etag):
                await control.hubBundleSubmitted()
                desk.submit(data, source: "hub", uid: nil) { [logger, control] outcome in
                    if outcome.result != .unchanged {
                        logger.notice("hub bundle: \(outcome.result.rawValue) \(outcome.reason ?? "")")
                    }
                    Task { await control.hubBundleAnswered(etag: etag, retryLater: outcome.retryLater == true) }
                }
            }
        } catch {
            logger.info("config pull: \(error)")
        }
    }
}
