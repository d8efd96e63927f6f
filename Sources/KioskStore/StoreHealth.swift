import Foundation
import Glibc
import KioskCore

extension KioskStore {
    /// Free bytes for unprivileged writers on the store's file system.
    public func diskSpace() throws -> Int64 {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else {
            throw KioskError(.store, "cannot read the free space of \(folder): \(String(cString: strerror(errno)))")
        }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    public func health() -> StoreHealth {
        let minimum = options.minimumFreeBytes
        let free: Int64
        do { free = try diskSpace() } catch {
            return StoreHealth(freeBytes: 0, minimumFreeBytes: minimum, canStartSessions: false, reason: "\(error)")
        }
        guard free >= minimum else {
            return StoreHealth(
                freeBytes: free, minimumFreeBytes: minimum, canStartSessions: false,
                reason: "the disk is nearly full: \(Self.megabytes(free)) free, \(Self.megabytes(minimum)) needed to keep the journal; "
                    + "new sessions are stopped until a technician frees space")
        }
        return StoreHealth(freeBytes: free, minimumFreeBytes: minimum, canStartSessions: true, reason: nil)
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
