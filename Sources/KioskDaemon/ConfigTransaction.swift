import Foundation
import KioskConfig
import KioskCore
import Logging

/// One configuration change, all or nothing: a bundle is verified → unpacked → held until the
/// kiosk is between citizens → recorded (its version is spent from then on) → swapped in →
/// checked → kept, or the previous configuration runs again. A rollback goes back to the
/// version applied before the current one. Every outcome is a `ConfigOutcome`, recorded in the
/// configuration history and journalled; the supervisor runs one transaction at a time.
struct ConfigTransaction: Sendable {
    let site: KioskConfiguration
    /// The site file bundles are merged over; without one, bundles are refused.
    let sitePath: String?
    let store: any RecordStore
    let fronts: any FrontSwitching
    let logger: Logger

    var history: ConfigHistory { ConfigHistory(store: store) }
    var bundles: AppliedBundles { AppliedBundles(directory: site.bundles.directory) }

    func apply(_ data: Data, source: String, uid: UInt32?, running: inout RunningConfiguration) async -> ConfigOutcome {
        let verified: VerifiedConfigBundle
        do {
            // The running version counts too: a store restored from an old copy must not let
            // versions up to the one running in again.
            let mark = max(try await history.highWaterMark(), running.highWaterMark, running.version)
            verified = try ConfigBundleVerifier.verify(
                data, trustDirectory: site.bundles.trustDirectory, kioskId: site.kiosk.id, groups: site.kiosk.groups,
                highWaterMark: mark)
        } catch let refusal as ConfigBundleRefusal {
            if case .notNewer(let version, _) = refusal, version == running.version {
                return ConfigOutcome(.unchanged, version: version)
            }
            return await journalled(ConfigOutcome(.refused, reason: refusal.description), source: source, uid: uid)
        } catch {
            return ConfigOutcome(.refused, reason: "the configuration history cannot be read: \(error)", retryLater: true)
        }
        /// Journalled with its reason; `retryLater` for a passing one (the hub poller asks again).
        func refuse(_ reason: String, retryLater: Bool? = nil) async -> ConfigOutcome {
            await journalled(
                ConfigOutcome(.refused, version: verified.version, reason: reason, retryLater: retryLater), source: source, uid: uid)
        }
        // A file list that can never be unpacked is refused for good; after this, a failure to
        // unpack is the disk's, and the hub poller asks for the bundle again.
        if let problem = ConfigBundleFiles.layoutProblem(verified.files.keys) {
            return await refuse("bundle v\(verified.version) cannot be unpacked: \(problem)")
        }
        let folder: URL
        do { folder = try bundles.unpack(verified) } catch {
            return await refuse("bundle v\(verified.version) cannot be unpacked: \(error)", retryLater: true)
        }
        let next: KioskConfiguration
        do { next = try EffectiveConfiguration.load(sitePath: try requireSitePath(), bundleDirectory: folder.path) } catch {
            return await refuse("bundle v\(verified.version) cannot be used: \(error)")
        }
        if let busy = await fronts.waitForPause() { return await refuse(busy, retryLater: true) }
        do {
            try await history.record(
                version: verified.version, sha256: verified.sha256, source: source, outcome: .staged, detail: nil, uid: uid)
        } catch {
            return await refuse("bundle v\(verified.version) cannot be recorded: \(error)", retryLater: true)
        }
        running.highWaterMark = max(running.highWaterMark, verified.version)

        await fronts.swap(to: next)
        if let problem = await fronts.healthProblem(comparedWith: running.configuration) {
            logger.error("config v\(verified.version) rolled back: \(problem)")
            await fronts.swap(to: running.configuration)
            try? await history.record(
                version: verified.version, sha256: verified.sha256, source: source, outcome: .rolledBack, detail: problem, uid: uid)
            return await journalled(ConfigOutcome(.rolledBack, version: verified.version, reason: problem), source: source, uid: uid)
        }
        do { try bundles.makeCurrent(verified.version) } catch {
            logger.error("config v\(verified.version) runs but is not marked current: \(error)")
        }
        running.configuration = next
        running.version = verified.version
        try? await history.record(
            version: verified.version, sha256: verified.sha256, source: source, outcome: .applied, detail: nil, uid: uid)
        logger.notice("config v\(verified.version) applied", metadata: ["source": "\(source)"])
        return await journalled(ConfigOutcome(.applied, version: verified.version), source: source, uid: uid)
    }

    /// Back to the version applied before the current one (or to the site file alone).
    func rollback(uid: UInt32?, running: inout RunningConfiguration) async -> ConfigOutcome {
        let entries = (try? await history.entries(limit: 1000)) ?? []
        let target = entries.first {
            $0.outcome == ConfigHistory.Outcome.applied.rawValue && $0.version != running.version && $0.version < running.version
                && FileManager.default.fileExists(atPath: bundles.folder(version: $0.version).path)
        }?.version
        let previous: KioskConfiguration
        do {
            previous = try EffectiveConfiguration.load(
                sitePath: try requireSitePath(), bundleDirectory: target.map { bundles.folder(version: $0).path })
        } catch {
            return ConfigOutcome(.refused, reason: "the previous configuration cannot be loaded: \(error)")
        }
        guard running.version != 0 else { return ConfigOutcome(.refused, reason: "no bundle is applied; the kiosk runs its site file") }
        if let busy = await fronts.waitForPause() { return ConfigOutcome(.refused, reason: busy, retryLater: true) }
        await fronts.swap(to: previous)
        do { try bundles.makeCurrent(target) } catch { logger.error("rollback: \(error)") }
        let from = running.version
        running.configuration = previous
        running.version = target ?? 0
        try? await history.record(
            version: target ?? 0, sha256: "", source: "rollback", outcome: .applied, detail: "rolled back from v\(from)", uid: uid)
        await journal(.configRollback(to: target ?? 0, from: from, uid: uid))
        return ConfigOutcome(.applied, version: target ?? 0, reason: "rolled back from v\(from)")
    }

    private func requireSitePath() throws -> String {
        guard let sitePath else {
            throw KioskError(.configuration, "kioskd was started without a configuration file, so it cannot take bundles")
        }
        return sitePath
    }

    private func journalled(_ outcome: ConfigOutcome, source: String, uid: UInt32?) async -> ConfigOutcome {
        await journal(.configChange(outcome, source: source, uid: uid))
        return outcome
    }

    private func journal(_ entry: JournalEntry) async {
        do { _ = try await store.append(entry) } catch { logger.error("journal: config-change not recorded: \(error)") }
    }
}

/// The configuration the supervisor runs now.
struct RunningConfiguration: Sendable, Equatable {
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
    static func load(site: KioskConfiguration, sitePath: String?, store: any RecordStore, logger: Logger) async -> RunningConfiguration {
        let mark = (try? await ConfigHistory(store: store).highWaterMark()) ?? 0
        let bundles = AppliedBundles(directory: site.bundles.directory)
        guard let version = bundles.currentVersion(), let sitePath else {
            return RunningConfiguration(configuration: site, version: 0, highWaterMark: mark)
        }
        do {
            let configuration = try EffectiveConfiguration.load(sitePath: sitePath, bundleDirectory: bundles.folder(version: version).path)
            return RunningConfiguration(configuration: configuration, version: version, highWaterMark: max(mark, version))
        } catch {
            logger.critical("config bundle v\(version) does not load, running the site file alone: \(error)")
            return RunningConfiguration(configuration: site, version: 0, highWaterMark: mark)
        }
    }
}
