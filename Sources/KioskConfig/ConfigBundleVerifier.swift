import Crypto
import Foundation
import KioskCore

/// Decides whether this kiosk takes a bundle. The checks run cheapest and least trusting first:
/// size (unread), envelope (format, base64), signed at all, by a trusted key, signature — and
/// only then is the manifest decoded, so nothing an attacker wrote is parsed beyond the
/// envelope before the signature holds. Then each file's sha256, safe paths, expiry,
/// anti-rollback, targeting, and last the contents.
public enum ConfigBundleVerifier {
    /// Trusts the `*.pub` keys of `trustDirectory` (`bundles.trustDirectory`), read only once the
    /// envelope names a key.
    public static func verify(
        _ data: Data, trustDirectory: String, kioskId: String, groups: [String], highWaterMark: Int, now: Date = .now
    ) throws(ConfigBundleRefusal) -> VerifiedConfigBundle {
        try verify(
            data, trustedKey: { BundleSigningKeys.trusted(directory: trustDirectory)[$0] }, kioskId: kioskId, groups: groups,
            highWaterMark: highWaterMark, now: now)
    }

    /// Trusts `trustedKeys` (by keyId) rather than a folder, so a caller that holds its keys (the
    /// bundle fuzz target) verifies without touching the disk.
    public static func verify(
        _ data: Data, trustedKeys: [String: Curve25519.Signing.PublicKey], kioskId: String, groups: [String], highWaterMark: Int,
        now: Date = .now
    ) throws(ConfigBundleRefusal) -> VerifiedConfigBundle {
        try verify(data, trustedKey: { trustedKeys[$0] }, kioskId: kioskId, groups: groups, highWaterMark: highWaterMark, now: now)
    }

    private static func verify(
        _ data: Data, trustedKey: (String) -> Curve25519.Signing.PublicKey?, kioskId: String, groups: [String], highWaterMark: Int,
        now: Date
    ) throws(ConfigBundleRefusal) -> VerifiedConfigBundle {
        guard data.count <= ConfigBundle.maximumSize else {
            throw .malformed("\(data.count) bytes, more than the \(ConfigBundle.maximumSize >> 20) MB a bundle may have")
        }
        let envelope: ConfigBundle
        do { envelope = try JSONDecoder().decode(ConfigBundle.self, from: data) } catch {
            throw .malformed("not a bundle JSON object (format, manifest, keyId, signature); truncated or not JSON")
        }
        guard envelope.format == ConfigBundle.format else {
            throw .malformed("format '\(envelope.format)', expected '\(ConfigBundle.format)'")
        }
        guard let manifestBytes = Data(base64Encoded: envelope.manifest), !manifestBytes.isEmpty else {
            throw .malformed("the manifest is not base64")
        }
        guard let keyId = envelope.keyId, !keyId.isEmpty, let signatureText = envelope.signature, !signatureText.isEmpty else {
            throw .unsigned
        }
        guard let key = trustedKey(keyId) else { throw .untrustedKey(keyId: keyId) }
        guard let signature = Data(base64Encoded: signatureText), key.isValidSignature(signature, for: manifestBytes) else {
            throw .badSignature
        }

        let manifest: ConfigBundle.Manifest
        do { manifest = try ConfigBundle.decoder.decode(ConfigBundle.Manifest.self, from: manifestBytes) } catch {
            throw .malformed("the signed manifest does not decode: \(error)")
        }
        var files: [String: Data] = [:]
        for file in manifest.files {
            guard let content = Data(base64Encoded: file.content) else { throw .malformed("\(file.path): content is not base64") }
            guard BundleSigningKeys.hex(SHA256.hash(data: content)) == file.sha256.lowercased() else {
                throw .malformed("\(file.path): content does not match its sha256")
            }
            guard ConfigBundleFiles.isSafe(file.path) else {
                throw .malformed("unsafe path '\(file.path)' (empty, absolute or with '..')")
            }
            guard files.updateValue(content, forKey: file.path) == nil else { throw .malformed("\(file.path) listed twice") }
        }
        guard manifest.version >= 1 else { throw .malformed("version \(manifest.version); versions start at 1") }
        guard manifest.expires > now else { throw .expired(manifest.expires) }
        guard manifest.version > highWaterMark else { throw .notNewer(version: manifest.version, current: highWaterMark) }
        guard manifest.targets.contains(kioskId) || manifest.targets.contains(where: groups.contains) else {
            throw .notTargeted(targets: manifest.targets)
        }
        let problems = ConfigBundleContent.problems(files)
        guard problems.isEmpty else { throw .invalidContent(problems.joined(separator: "\n")) }
        return VerifiedConfigBundle(
            version: manifest.version, createdAt: manifest.createdAt, expires: manifest.expires, targets: manifest.targets, keyId: keyId,
            sha256: BundleSigningKeys.hex(SHA256.hash(data: data)), files: files)
    }
}
