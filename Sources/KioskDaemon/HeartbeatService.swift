import Foundation
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import Logging
import ServiceLifecycle

/// Tells the hub how the kiosk is (POST /v1/kiosks/{id}/status, the contract's heartbeat body):
/// every `hub.heartbeatSeconds`, and at once when a device, maintenance, out-of-service or the
/// configuration version changes. Only the newest heartbeat is ever sent: each attempt is made
/// from the kiosk's state at that moment, so a hub that was away for an hour gets one heartbeat,
/// not sixty. A heartbeat is state, not an event, so it is not kept across a restart either: the
/// first one after a start is made anew. A failed send is retried with back-off, never faster
/// than once a second nor slower than the interval.
struct HeartbeatService: Service {
    let configuration: KioskConfiguration
    let hub: any HubClient
    let store: any RecordStore
    let control: KioskControlState
    let monitor: DeviceMonitor?
    /// True for a front that cannot serve citizens (it still reports, so the centre knows).
    var outOfService = false
    /// How often the kiosk's state is compared with what was last sent.
    var checkEvery: Duration = .seconds(1)
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await loop()
        }
    }

    private func loop() async {
        let interval = Duration.seconds(configuration.hub.heartbeatSeconds)
        var lastSent: HubHeartbeat?
        var lastSentAt: ContinuousClock.Instant?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let beat = await make()
            let now = ContinuousClock.now
            let changed = lastSent.map { !Self.sameState($0, beat) } ?? true
            let due = lastSentAt.map { now - $0 >= interval } ?? true
            let waiting = retryAt.map { now < $0 } ?? false
            if (changed || due) && !waiting {
                var sent = beat
                sent.journalHead = try? await store.journalHead()
                do {
                    try await hub.heartbeat(sent)
                    if failures > 0 { logger.notice("heartbeat delivered again after \(failures) failed attempts") }
                    lastSent = sent
                    lastSentAt = now
                    failures = 0
                    retryAt = nil
                } catch {
                    failures += 1
                    // A hub that refuses the heartbeat (4xx: the kiosk unknown to it, the body not
                    // what it expects) will refuse it again: tried once an interval, and said as an
                    // error for operations, since the centre then sees this kiosk as silent.
                    // 408 and 429 are the hub asking for time, not refusing.
                    let refusal = (error as? HubProblem).flatMap {
                        (400..<500).contains($0.status) && $0.status != 408 && $0.status != 429 ? $0 : nil
                    }
                    let backoff =
                        refusal != nil
                        ? max(interval, .seconds(1)) : min(Duration.seconds(1 << min(failures - 1, 12)), max(interval, .seconds(1)))
                    retryAt = now + backoff
                    // Said on the first failure and then rarely: the outbox already says the hub is away.
                    if failures == 1 || failures.isMultiple(of: 20) {
                        if let refusal {
                            logger.error(
                                "the hub refuses this kiosk's heartbeat (\(failures) in a row, next try in \(backoff)): \(refusal); check kiosk.id and the kiosk's registration at the hub"
                            )
                        } else {
                            logger.info("heartbeat not delivered (\(failures) in a row), next try in \(backoff): \(error)")
                        }
                    }
                }
            }
            do { try await Task.sleep(for: checkEvery) } catch { return }
        }
    }

    /// The heartbeat as of now, without the journal head (read only when one is sent).
    func make() async -> HubHeartbeat {
        let maintenance = await control.maintenance
        return HubHeartbeat(
            at: StoreTime.format(Date()), softwareVersion: KioskVersion.current, configVersion: await control.config.version,
            outOfService: outOfService, maintenance: .init(on: maintenance.on, reason: maintenance.on ? maintenance.reason : nil),
            journalHead: nil, devices: await monitor?.devices ?? [])
    }

    /// Whether two heartbeats say the same about the kiosk's state: the time and the journal's
    /// head move with every citizen and are not a change worth an early heartbeat.
    static func sameState(_ a: HubHeartbeat, _ b: HubHeartbeat) -> Bool {
        var x = a
        var y = b
        x.at = ""
        y.at = ""
        x.journalHead = nil
        y.journalHead = nil
        return x == y
    }
}
