import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files that must survive a power cut at any instant: written whole and synced before anyone
/// relies on them; replaced by rename, so a reader finds the old content or the new, never half.
public enum DurableFile {
    /// Writes `data` to `path` and syncs it. `exclusive`: refuse an existing file (keys are never
    /// overwritten); otherwise an existing file is truncated. Never follows a symlink at `path`.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644, exclusive: Bool = false) throws {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw KioskError(.configuration, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // The umask must not widen or narrow what was asked for.
        fchmod(fd, mode)
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress.map { $0 + offset }, data.count - offset) }
            guard written > 0 else { throw KioskError(.configuration, "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
        guard fsync(fd) == 0 else { throw KioskError(.configuration, "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// Replaces `path` with `data`: a synced temporary file renamed over it, then the folder synced.
    public static func replace(_ path: String, with data: Data, mode: mode_t = 0o644) throws {
        let temporary = path + ".new"
        try write(data, to: temporary, mode: mode)
        guard rename(temporary, path) == 0 else {
            throw KioskError(.configuration, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        syncFolder((path as NSString).deletingLastPathComponent)
    }

    /// Makes a folder's entries (new files, renames) durable.
    public static func syncFolder(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
