import Foundation
import KioskConfig
import KioskCore
import KioskTesting
import Logging
import Testing

@testable import KioskDaemon

/// The bundle transaction alone: real bundles signed with a key of the test's own, real folders,
/// a store in memory and fronts that only count swaps. Each test fails when a step of
/// verify → unpack → pause → record → swap → check → keep or roll back is skipped or reordered.
@Suite struct ConfigTransactionTests {
    @Test func aGoodBundleIsRecordedSwappedInMadeCurrentAndJournalled() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        var running = rig.running
        let outcome = await rig.transaction.apply(try rig.bundle(version: 5), source: "hub", uid: nil, running: &running)
        #expect(outcome == ConfigOutcome(.applied, version: 5))
        #expect(running.version == 5 && running.highWaterMark == 5)
        #expect(running.configuration.session.idleSeconds == 90)
        #expect(await rig.fronts.swaps.map(\.session.idleSeconds) == [90])
        #expect(AppliedBundles(directory: rig.bundlesDirectory).currentVersion() == 5)
        let history = try await ConfigHistory(store: rig.store).entries()
        #expect(history.map(\.outcome) == ["applied", "staged"])
        #expect(rig.configJournal == [["outcome": "applied", "source": "hub", "version": "5"]])
    }

    @Test func aKioskThatIsNotHealthyWithTheBundleRunsThePreviousConfigurationAgain() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        await rig.fronts.setProblems(["the hub at https://hub.city.example/ does not answer"])
        var running = rig.running
        let outcome = await rig.transaction.apply(try rig.bundle(version: 5), source: "kioskctl", uid: 1000, running: &running)
        #expect(outcome.result == .rolledBack && outcome.version == 5)
        #expect(await rig.fronts.swaps.map(\.session.idleSeconds) == [90, rig.site.session.idleSeconds])
        #expect(running.version == 0, "the site file runs again")
        #expect(running.highWaterMark == 5, "the version is spent all the same")
        #expect(AppliedBundles(directory: rig.bundlesDirectory).currentVersion() == nil)
        let history = try await ConfigHistory(store: rig.store).entries()
        #expect(history.map(\.outcome) == ["rolled-back", "staged"])
        #expect(rig.configJournal.first?["outcome"] == "rolled-back" && rig.configJournal.first?["uid"] == "1000")
    }

    @Test func aKioskThatStaysBusyRefusesForNowAndChangesNothing() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        await rig.fronts.setBusy("a citizen is being served")
        var running = rig.running
        let outcome = await rig.transaction.apply(try rig.bundle(version: 5), source: "hub", uid: nil, running: &running)
        #expect(outcome == ConfigOutcome(.refused, version: 5, reason: "a citizen is being served", retryLater: true))
        #expect(await rig.fronts.swaps.isEmpty)
        #expect(running == rig.running)
        #expect(try await ConfigHistory(store: rig.store).entries().isEmpty, "not recorded: the version is not spent")
    }

    @Test func theRunningVersionAgainIsUnchangedAndAnOlderOneIsRefused() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        var running = rig.running
        _ = await rig.transaction.apply(try rig.bundle(version: 5), source: "hub", uid: nil, running: &running)
        let again = await rig.transaction.apply(try rig.bundle(version: 5), source: "hub", uid: nil, running: &running)
        #expect(again == ConfigOutcome(.unchanged, version: 5))
        let older = await rig.transaction.apply(try rig.bundle(version: 4), source: "hub", uid: nil, running: &running)
        #expect(older.result == .refused && older.retryLater == nil)
        #expect(await rig.fronts.swaps.count == 1)
        #expect(rig.configJournal.map { $0["outcome"] } == ["applied", "refused"])
    }

    @Test func aBundleSignedByAnUnknownKeyIsRefusedBeforeAnythingIsUnpacked() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        var running = rig.running
        let outcome = await rig.transaction.apply(try rig.bundle(version: 5, trusted: false), source: "hub", uid: nil, running: &running)
        #expect(outcome.result == .refused && outcome.version == nil)
        #expect(!FileManager.default.fileExists(atPath: rig.bundlesDirectory + "/v5"))
        #expect(await rig.fronts.swaps.isEmpty)
    }

    @Test func aRollbackGoesBackToTheVersionAppliedBefore() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        var running = rig.running
        _ = await rig.transaction.apply(try rig.bundle(version: 5), source: "hub", uid: nil, running: &running)
        try rig.setIdle(120)
        _ = await rig.transaction.apply(try rig.bundle(version: 6), source: "hub", uid: nil, running: &running)
        #expect(running.version == 6 && running.configuration.session.idleSeconds == 120)
        let outcome = await rig.transaction.rollback(uid: 0, running: &running)
        #expect(outcome == ConfigOutcome(.applied, version: 5, reason: "rolled back from v6"))
        #expect(running.version == 5 && running.configuration.session.idleSeconds == 90)
        #expect(AppliedBundles(directory: rig.bundlesDirectory).currentVersion() == 5)
        #expect(rig.configJournal.last == ["outcome": "rollback", "source": "kioskctl", "version": "5", "uid": "0", "reason": "from v6"])
    }

    @Test func nothingToRollBackToIsRefused() async throws {
        let rig = try BundleRig()
        defer { rig.remove() }
        var running = rig.running
        let outcome = await rig.transaction.rollback(uid: 0, running: &running)
        #expect(outcome.result == .refused)
        #expect(await rig.fronts.swaps.isEmpty)
    }
}

/// Fronts that only count: each swap, and the health each check reports.
actor CountingFronts: FrontSwitching {
    private(set) var swaps: [KioskConfiguration] = []
    private var problems: [String?] = []
    private var busy: String?

    func setProblems(_ problems: [String?]) { self.problems = problems }
    func setBusy(_ reason: String?) { busy = reason }

    func waitForPause() async -> String? { busy }
    func swap(to configuration: KioskConfiguration) async { swaps.append(configuration) }
    func healthProblem(comparedWith previous: KioskConfiguration) async -> String? {
        problems.isEmpty ? nil : problems.removeFirst()
    }
}

/// A site file, a trust folder with an operator's public key, a bundle source (the repository's
/// kiosk-config and a settings.yaml), all in a temporary folder.
struct BundleRig {
    static let kioskId = "KIOSK-T-0001"
    static let repoConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("kiosk-config")

    let root: URL
    let site: KioskConfiguration
    let sitePath: String
    let store = InMemoryRecordStore()
    let fronts = CountingFronts()
    var bundlesDirectory: String { root.appendingPathComponent("bundles").path }
    var source: URL { root.appendingPathComponent("src") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-transaction-\(UUID().uuidString.prefix(8))")
        let trust = root.appendingPathComponent("trust")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repoConfig, to: root.appendingPathComponent("src"))
        try BundleSigningKeys.generate(to: root.appendingPathComponent("ops").path)
        try BundleSigningKeys.generate(to: root.appendingPathComponent("stranger").path)
        try FileManager.default.copyItem(at: root.appendingPathComponent("ops.pub"), to: trust.appendingPathComponent("ops.pub"))
        sitePath = root.appendingPathComponent("kiosk.yaml").path
        try """
        kiosk:
          id: \(Self.kioskId)
        hub:
          url: http://127.0.0.1:9/
        session:
          idleSeconds: 45
        files:
          directory: \(Self.repoConfig.path)
        bundles:
          directory: \(root.appendingPathComponent("bundles").path)
          trustDirectory: \(trust.path)
        """.write(toFile: sitePath, atomically: true, encoding: .utf8)
        site = try ConfigurationLoader.load(path: sitePath)
        try setIdle(90)
    }

    var running: RunningConfiguration { RunningConfiguration(configuration: site, version: 0, highWaterMark: 0) }

    var transaction: ConfigTransaction {
        ConfigTransaction(site: site, sitePath: sitePath, store: store, fronts: fronts, logger: Logger(label: "test.config"))
    }

    /// The bundle's settings.yaml: the session idle time tells versions apart.
    func setIdle(_ seconds: Int) throws {
        try "session:\n  idleSeconds: \(seconds)\n".write(
            to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
    }

    func bundle(version: Int, trusted: Bool = true) throws -> Data {
        let key = try BundleSigningKeys.loadPrivateKey(path: root.appendingPathComponent(trusted ? "ops.key" : "stranger.key").path)
        return try ConfigBundleSigner.make(
            directory: source, privateKey: key, version: version, expires: Date().addingTimeInterval(86400), targets: [Self.kioskId],
            now: Date())
    }

    /// The config-change entries journalled, payloads as text.
    var configJournal: [[String: String]] {
        store.journal.filter { $0.kind == .configChange }.map { $0.payload.mapValues(\.description) }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
