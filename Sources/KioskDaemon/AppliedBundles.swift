import Foundation
import KioskCore
import KioskStore

/// The applied bundles on disk: `<bundles.directory>/v<N>/` holds version N's files, and the
/// symlink `current` names the one the kiosk runs. The symlink is replaced by rename(2), so a
/// power cut leaves either the old or the new version, never half of one.
struct AppliedBundles: Sendable {
    let directory: URL

    init(directory: String) { self.directory = URL(fileURLWithPath: directory) }

    func folder(version: Int) -> URL { directory.appendingPathComponent("v\(version)") }

    /// The version `current` points at, or nil when the kiosk runs on its site file alone.
    func currentVersion() -> Int? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory.appendingPathComponent("current").path),
            target.hasPrefix("v"), let version = Int(target.dropFirst())
        else { return nil }
        return version
    }

    /// Makes `version` current (nil: none, the site file alone).
    func makeCurrent(_ version: Int?) throws {
        let current = directory.appendingPathComponent("current").path
        guard let version else {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: current)) != nil {
                try FileManager.default.removeItem(atPath: current)
            }
            return
        }
        let temporary = directory.appendingPathComponent(".current-\(getpid())").path
        unlink(temporary)
        guard symlink("v\(version)", temporary) == 0 else {
            throw KioskError(.configuration, "cannot link \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, current) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw KioskError(.configuration, "cannot make v\(version) current: \(reason)")
        }
        DurableFile.syncFolder(directory.path)
    }

    /// Unpacks a verified bundle into its version folder (replacing a half-written earlier try).
    func unpack(_ bundle: VerifiedConfigBundle) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let folder = folder(version: bundle.version)
        let staging = directory.appendingPathComponent(".staging-v\(bundle.version)")
        try? FileManager.default.removeItem(at: staging)
        try ConfigBundleFiles.unpack(bundle, into: staging)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.moveItem(at: staging, to: folder)
        return folder
    }
}

/// The configuration history as the store keeps it (table config_versions of schema v1): every
/// bundle that got past verification, with what became of it. The anti-rollback high-water mark
/// is the highest version ever taken, applied or not, so a bad bundle cannot come back either.
struct ConfigHistory: Sendable {
    let store: KioskStore

    struct Detail: Codable {
        var outcome: String
        var detail: String?
        var uid: UInt32?
    }

    func highWaterMark() async throws -> Int {
        try await store.highestConfigVersion()
    }

    func record(version: Int, sha256: String, source: String, outcome: String, detail: String?, uid: UInt32?) async throws {
        let body = String(decoding: try JSONEncoder.control.encode(Detail(outcome: outcome, detail: detail, uid: uid)), as: UTF8.self)
        try await store.recordConfigVersion(
            .init(version: String(version), sha256: sha256, source: source, appliedAt: StoreTime.format(Date()), body: body))
    }

    /// Newest first, as kioskctl config history shows it.
    func entries(limit: Int = 50) async throws -> [ConfigHistoryEntry] {
        try await store.configVersions(limit: limit).map { row in
            let detail = try? JSONDecoder().decode(Detail.self, from: Data(row.body.utf8))
            return ConfigHistoryEntry(
                version: Int(row.version) ?? 0, sha256: row.sha256, source: row.source, at: row.appliedAt,
                outcome: detail?.outcome ?? "unknown", detail: detail?.detail, uid: detail?.uid)
        }
    }
}

/// One line of `kioskctl config history`.
public struct ConfigHistoryEntry: Codable, Sendable, Equatable {
    public var version: Int
    public var sha256: String
    public var source: String
    public var at: String
    public var outcome: String
    public var detail: String?
    public var uid: UInt32?
}

/// `kioskctl config status`.
public struct ConfigStatus: Codable, Sendable, Equatable {
    /// 0: the site file alone, no bundle.
    public var version: Int
    public var highWaterMark: Int
    public var hubURL: String
    public var pollSeconds: Double
    public var lastPull: String?
}
