import Crypto
import Foundation
import Glibc
import KioskCore

/// The per-kiosk secret behind `subjectRef`: HMAC-SHA256 of the social security number, so
/// the journal can tell "the same citizen again" without ever holding the number. The key is
/// 32 random bytes in a file outside the repository, created on first start with mode 0600;
/// a key file others can read is refused (the refs would then be reversible by brute force over
/// the ID-number space).
public struct SubjectKey: Sendable {
    // The bytes, not a SymmetricKey: that type is not Sendable, and the key is made per use.
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Loads the key at `path`, creating it (0600, synced) when the file does not exist.
    public static func loadOrCreate(path: String) throws -> SubjectKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return try load(path: path) }
            throw KioskError(.store, "cannot create the subject key \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw KioskError(.store, "cannot write the subject key \(path): \(String(cString: strerror(errno)))")
        }
        return SubjectKey(bytes: bytes)
    }

    public static func load(path: String) throws -> SubjectKey {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let mode = (attributes?[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else {
            throw KioskError(
                .store, "the subject key \(path) is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw KioskError(.store, "the subject key \(path) is not 32 bytes; restore it from the kiosk's backup")
        }
        return SubjectKey(bytes: Array(data))
    }

    /// The default place: beside the database ("/var/lib/kioskd/subject.key").
    public static func defaultPath(forStore storePath: String) -> String {
        URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("subject.key").path
    }

    /// Lowercase hex HMAC-SHA256 over the number, upper-cased ("x" and "X" are one citizen).
    public func subjectRef(ssn: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(ssn.uppercased().utf8), using: SymmetricKey(data: bytes))
        return JournalCanonical.hex(mac)
    }
}
