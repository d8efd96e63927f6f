import Foundation
import KioskCore

/// The configuration history as the store keeps it (table config_versions of schema v1): every
/// bundle that got past verification, with what became of it. The anti-rollback high-water mark
/// is the highest version ever taken, applied or not, so a bad bundle cannot come back either.
public struct ConfigHistory: Sendable {
    /// What became of a version, as the history keeps it.
    public enum Outcome: String, Codable, Sendable {
        /// Verified, unpacked and about to be swapped in: the version is spent from here on.
        case staged
        case applied
        case rolledBack = "rolled-back"
    }

    let store: any RecordStore

    public init(store: any RecordStore) { self.store = store }

    struct Detail: Codable {
        var outcome: String
        var detail: String?
        var uid: UInt32?
    }

    public func highWaterMark() async throws -> Int {
        try await store.highestConfigVersion()
    }

    public func record(version: Int, sha256: String, source: String, outcome: Outcome, detail: String?, uid: UInt32?) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(Detail(outcome: outcome.rawValue, detail: detail, uid: uid)), as: UTF8.self)
        try await store.recordConfigVersion(
            ConfigVersionRecord(
                version: String(version), sha256: sha256, source: source,
                appliedAt: StoreTime.format(Date()), body: body))
    }

    /// Newest first, as kioskctl config history shows it.
    public func entries(limit: Int = 50) async throws -> [ConfigHistoryEntry] {
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

    public init(
        version: Int, sha256: String, source: String, at: String, outcome: String, detail: String? = nil, uid: UInt32? = nil
    ) {
        self.version = version
        self.sha256 = sha256
        self.source = source
        self.at = at
        self.outcome = outcome
        self.detail = detail
        self.uid = uid
    }
}

/// `kioskctl config status`.
public struct ConfigStatus: Codable, Sendable, Equatable {
    /// 0: the site file alone, no bundle.
    public var version: Int
    public var highWaterMark: Int
    public var hubURL: String
    public var pollSeconds: Double
    public var lastPull: String?

    public init(version: Int, highWaterMark: Int, hubURL: String, pollSeconds: Double, lastPull: String? = nil) {
        self.version = version
        self.highWaterMark = highWaterMark
        self.hubURL = hubURL
        self.pollSeconds = pollSeconds
        self.lastPull = lastPull
    }
}
