import Foundation
import KioskCore

/// The applied bundles on disk: `<bundles.directory>/v<N>/` holds version N's files, and the
/// symlink `current` names the one the kiosk runs. The symlink is replaced by rename(2), so a
/// power cut leaves either the old or the new version, never half of one.
public struct AppliedBundles: Sendable {
    public let directory: URL

    public init(directory: String) { self.directory = URL(fileURLWithPath: directory) }

    public func folder(version: Int) -> URL { directory.appendingPathComponent("v\(version)") }

    /// The version `current` points at, or nil when the kiosk runs on its site file alone.
    public func currentVersion() -> Int? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory.appendingPathComponent("current").path),
            target.hasPrefix("v"), let version = Int(target.dropFirst())
        else { return nil }
        return version
    }

    /// Makes `version` current (nil: none, the site file alone).
    public func makeCurrent(_ version: Int?) throws {
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
    public func unpack(_ bundle: VerifiedConfigBundle) throws -> URL {
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
