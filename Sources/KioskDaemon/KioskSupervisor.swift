import Foundation
import KioskCore
import KioskHub
import KioskStore
import Logging
import ServiceLifecycle

/// Runs the citizen side of kioskd as a series of fronts, one per configuration: a front is a
/// ServiceGroup (screen and keypad, outbox, print reconciliation, hub poller, hub client) built
/// from one effective configuration. A new bundle is swapped in between citizens: the running
/// front is stopped like on SIGTERM (the machine finishes what is in flight), the new one is
/// started and checked, and if it is not healthy the previous configuration runs again. The
/// store and the control state outlive the fronts.
struct KioskSupervisor: Service {
    let options: KioskApp.Options
    let control: KioskControlState
    let desk: ConfigDesk
    let logger: Logger

    func run() async throws {
        let site = options.configuration
        let store: KioskStore
        do {
            store = try KioskStore.open(path: site.store.path, options: .init(kioskId: site.kiosk.id))
        } catch {
            // No store: no sessions and no configuration history; the notice says why.
            let reason = (error as? KioskError) ?? KioskError(.store, "\(error)")
            logger.critical("out of service: \(reason)")
            let front = KioskFront.outOfService(reason, options: options, logger: logger)
            await withGracefulShutdownHandler {
                for await request in desk.requests { request.decline("the kiosk is out of service: \(reason)") }
            } onGracefulShutdown: {
                desk.close()
            }
            await front.stop()
            return
        }
        var state = try await SupervisorState.load(options: options, store: store, logger: logger)
        // Before the control socket can reach the store: a "maintenance off" must not be overwritten.
        let maintenanceFile = URL(fileURLWithPath: options.configuration.store.path).deletingLastPathComponent()
            .appendingPathComponent("maintenance.json")
        if let kept = await control.restoreMaintenance(from: maintenanceFile) {
            logger.notice("maintenance mode kept from before the restart", metadata: ["reason": "\(kept.reason ?? "")"])
        }
        await control.setStore(store)
        await control.setConfig(state.status, configuration: state.configuration)
        var front = KioskFront.start(state.configuration, store: store, options: options, control: control, desk: desk, logger: logger)
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
                    let outcome = await apply(data, source: source, uid: uid, state: &state, front: &front, store: store)
                    await control.setConfig(state.status, configuration: state.configuration)
                    reply(outcome)
                case .rollback(let uid, let reply):
                    let outcome = await rollback(uid: uid, state: &state, front: &front, store: store)
                    await control.setConfig(state.status, configuration: state.configuration)
                    reply(outcome)
                case .generationEnded(let why):
                    failure = why
                    desk.close()
                }
            }
        } onGracefulShutdown: {
            desk.close()
        }
        await front.stop()
        try? store.close()
        if let failure { throw KioskError(.configuration, "the kiosk front stopped by itself: \(failure)") }
    }

    // MARK: - Swapping fronts

    /// How long a bundle or rollback waits for a pause between citizens (a card left in the slot
    /// holds it off) before it is refused, with nothing changed.
    static let pauseWait: Duration = .seconds(90)

    /// Verify → unpack → wait for a pause between citizens → record (raises the high-water mark)
    /// → swap → check → keep or roll back.
    private func apply(
        _ data: Data, source: String, uid: UInt32?, state: inout SupervisorState, front: inout KioskFront, store: KioskStore
    ) async -> ConfigOutcome {
        let history = ConfigHistory(store: store)
        let site = options.configuration
        let verified: VerifiedConfigBundle
        do {
            // The running version counts too: a store restored from an old copy must not let
            // versions up to the one running in again.
            let mark = max(try await history.highWaterMark(), state.highWaterMark, state.version)
            verified = try verifyBundle(data, mark: mark)
        } catch let refusal as ConfigBundleRefusal {
            if case .notNewer(let version, _) = refusal, version == state.version {
                return ConfigOutcome(.unchanged, version: version)
            }
            await journal(store, version: nil, outcome: "refused", source: source, uid: uid, reason: refusal.description)
            return ConfigOutcome(.refused, reason: refusal.description)
        } catch {
            return ConfigOutcome(.refused, reason: "the configuration history cannot be read: \(error)", retryLater: true)
        }
        /// Journalled with its reason; `retryLater` for a passing one (the hub poller asks again).
        func refuse(_ reason: String, retryLater: Bool? = nil) async -> ConfigOutcome {
            await journal(store, version: verified.version, outcome: "refused", source: source, uid: uid, reason: reason)
            return ConfigOutcome(.refused, version: verified.version, reason: reason, retryLater: retryLater)
        }
        let bundles = AppliedBundles(directory: site.bundles.directory)
        let next: KioskConfiguration
        let folder: URL
        // A file list that can never be unpacked is refused for good; after this, a failure to
        // unpack is the disk's, and the hub poller asks for the bundle again.
        if let problem = ConfigBundleFiles.layoutProblem(verified.files.keys) {
            return await refuse("bundle v\(verified.version) cannot be unpacked: \(problem)")
        }
        do {
            folder = try bundles.unpack(verified)
        } catch {
            return await refuse("bundle v\(verified.version) cannot be unpacked: \(error)", retryLater: true)
        }
        do {
            next = try EffectiveConfiguration.load(sitePath: try sitePath(), bundleDirectory: folder.path)
        } catch {
            return await refuse("bundle v\(verified.version) cannot be used: \(error)")
        }
        if let busy = await waitForPause() { return await refuse(busy, retryLater: true) }
        do {
            try await history.record(
                version: verified.version, sha256: verified.sha256, source: source, outcome: "staged", detail: nil, uid: uid)
        } catch {
            return await refuse("bundle v\(verified.version) cannot be recorded: \(error)", retryLater: true)
        }
        // Recorded as staged: the version is spent, whatever becomes of it (no replaying it later).
        state.highWaterMark = max(state.highWaterMark, verified.version)

        await replace(&front, with: next, store: store)
        if let problem = await front.healthProblem(comparedWith: state.configuration) {
            logger.error("config v\(verified.version) rolled back: \(problem)")
            await replace(&front, with: state.configuration, store: store)
            try? await history.record(
                version: verified.version, sha256: verified.sha256, source: source, outcome: "rolled-back", detail: problem, uid: uid)
            await journal(store, version: verified.version, outcome: "rolled-back", source: source, uid: uid, reason: problem)
            return ConfigOutcome(.rolledBack, version: verified.version, reason: problem)
        }
        do {
            try bundles.makeCurrent(verified.version)
        } catch {
            logger.error("config v\(verified.version) runs but is not marked current: \(error)")
        }
        state.configuration = next
        state.version = verified.version
        try? await history.record(
            version: verified.version, sha256: verified.sha256, source: source, outcome: "applied", detail: nil, uid: uid)
        await journal(store, version: verified.version, outcome: "applied", source: source, uid: uid, reason: nil)
        logger.notice("config v\(verified.version) applied", metadata: ["source": "\(source)"])
        return ConfigOutcome(.applied, version: verified.version)
    }

    /// Back to the version applied before the current one (or to the site file alone).
    private func rollback(uid: UInt32?, state: inout SupervisorState, front: inout KioskFront, store: KioskStore) async -> ConfigOutcome {
        let history = ConfigHistory(store: store)
        let bundles = AppliedBundles(directory: options.configuration.bundles.directory)
        let entries = (try? await history.entries(limit: 1000)) ?? []
        let target = entries.first {
            $0.outcome == "applied" && $0.version != state.version && $0.version < state.version
                && FileManager.default.fileExists(atPath: bundles.folder(version: $0.version).path)
        }?.version
        let previous: KioskConfiguration
        do {
            previous =
                if let target {
                    try EffectiveConfiguration.load(sitePath: try sitePath(), bundleDirectory: bundles.folder(version: target).path)
                } else {
                    try EffectiveConfiguration.load(sitePath: try sitePath(), bundleDirectory: nil)
                }
        } catch {
            return ConfigOutcome(.refused, reason: "the previous configuration cannot be loaded: \(error)")
        }
        guard state.version != 0 else { return ConfigOutcome(.refused, reason: "no bundle is applied; the kiosk runs its site file") }
        if let busy = await waitForPause() { return ConfigOutcome(.refused, reason: busy, retryLater: true) }
        await replace(&front, with: previous, store: store)
        do { try bundles.makeCurrent(target) } catch { logger.error("rollback: \(error)") }
        let from = state.version
        state.configuration = previous
        state.version = target ?? 0
        try? await history.record(
            version: target ?? 0, sha256: "", source: "rollback", outcome: "applied", detail: "rolled back from v\(from)", uid: uid)
        await journal(store, version: target ?? 0, outcome: "rollback", source: "kioskctl", uid: uid, reason: "from v\(from)")
        return ConfigOutcome(.applied, version: target ?? 0, reason: "rolled back from v\(from)")
    }

    /// Nil once the kiosk is between citizens; else why it will not swap now (still busy after
    /// `pauseWait`, or stopping).
    private func waitForPause() async -> String? {
        let deadline = ContinuousClock.now + Self.pauseWait
        while !(await control.idle) {
            if Task.isShuttingDownGracefully { break }
            if ContinuousClock.now >= deadline {
                return "the kiosk has not been between citizens for \(Self.pauseWait) (a session, or a card left in the slot); "
                    + "nothing was changed, try again"
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return Task.isShuttingDownGracefully ? "kioskd is stopping; nothing was changed" : nil
    }

    /// Stops the running front and starts one with `configuration`. While the old one stops, the
    /// kiosk is "swapping": its stop is not the daemon's (no STOPPING=1 to systemd).
    private func replace(_ front: inout KioskFront, with configuration: KioskConfiguration, store: KioskStore) async {
        await control.setSwapping(true)
        await front.stop()
        front = KioskFront.start(configuration, store: store, options: options, control: control, desk: desk, logger: logger)
        await control.setSwapping(false)
    }

    private func sitePath() throws -> String {
        guard let path = options.sitePath else {
            throw KioskError(.configuration, "kioskd was started without a configuration file, so it cannot take bundles")
        }
        return path
    }

    private func verifyBundle(_ data: Data, mark: Int) throws -> VerifiedConfigBundle {
        let site = options.configuration
        return try ConfigBundleVerifier.verify(
            data, trustDirectory: site.bundles.trustDirectory, kioskId: site.kiosk.id, groups: site.kiosk.groups, highWaterMark: mark)
    }

    private func journal(_ store: KioskStore, version: Int?, outcome: String, source: String, uid: UInt32?, reason: String?) async {
        var payload: [String: JournalValue] = ["outcome": .string(outcome), "source": .string(source)]
        if let version { payload["version"] = .int(version) }
        if let uid { payload["uid"] = .int(Int(uid)) }
        if let reason { payload["reason"] = .string(String(reason.prefix(500))) }
        do { _ = try await store.append(JournalEntry(kind: .configChange, payload: payload)) } catch {
            logger.error("journal: config-change not recorded: \(error)")
        }
    }
}

/// The configuration the supervisor runs now.
struct SupervisorState {
    var configuration: KioskConfiguration
    /// 0: the site file alone.
    var version: Int
    var highWaterMark: Int

    var status: ConfigStatus {
        ConfigStatus(
            version: version, highWaterMark: highWaterMark, hubURL: configuration.hub.url, pollSeconds: configuration.bundles.pollSeconds)
    }

    /// The site file with the bundle `current` names; a bundle that no longer loads is left
    /// for the site file alone (and said loudly), so a damaged disk never keeps the kiosk down.
    static func load(options: KioskApp.Options, store: KioskStore, logger: Logger) async throws -> SupervisorState {
        let site = options.configuration
        let mark = (try? await ConfigHistory(store: store).highWaterMark()) ?? 0
        let bundles = AppliedBundles(directory: site.bundles.directory)
        guard let version = bundles.currentVersion(), let sitePath = options.sitePath else {
            return SupervisorState(configuration: site, version: 0, highWaterMark: mark)
        }
        do {
            let configuration = try EffectiveConfiguration.load(
                sitePath: sitePath, bundleDirectory: bundles.folder(version: version).path)
            return SupervisorState(configuration: configuration, version: version, highWaterMark: max(mark, version))
        } catch {
            logger.critical("config bundle v\(version) does not load, running the site file alone: \(error)")
            return SupervisorState(configuration: site, version: 0, highWaterMark: mark)
        }
    }
}
