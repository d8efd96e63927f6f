import Crypto
import Foundation
import KioskCore

/// Makes bundle files (operations' side: `kioskctl config bundle`).
public enum ConfigBundleSigner {
    /// A bundle of the carried files of `directory` (settings.yaml, services.json, keymap.json,
    /// locales/, guides/, templates/; nothing else), signed with `privateKey`. It does not
    /// validate the contents: `ConfigValidator.validate(path:)` does (kioskctl runs it first),
    /// and every kiosk checks again.
    public static func make(
        directory: URL, privateKey: Curve25519.Signing.PrivateKey, version: Int, expires: Date, targets: [String], now: Date = .now
    ) throws -> Data {
        guard version >= 1 else { throw KioskError(.invalidInput, "version: a whole number of at least 1") }
        guard !targets.isEmpty, targets.allSatisfy({ !$0.isEmpty }) else {
            throw KioskError(.invalidInput, "targets: at least one kiosk id or group name")
        }
        guard expires > now else { throw KioskError(.invalidInput, "expires: a time in the future") }
        let files = try ConfigBundleFiles.collect(directory: directory)
        let manifest = ConfigBundle.Manifest(
            version: version, createdAt: now, expires: expires, targets: targets,
            files: files.sorted { $0.key < $1.key }.map { path, data in
                .init(path: path, sha256: BundleSigningKeys.hex(SHA256.hash(data: data)), content: data.base64EncodedString())
            })
        return try sign(manifest: manifest, privateKey: privateKey)
    }

    /// The bundle file for `manifest` exactly as given (tests use it to make bundles a kiosk
    /// must refuse).
    public static func sign(manifest: ConfigBundle.Manifest, privateKey: Curve25519.Signing.PrivateKey) throws -> Data {
        let bytes = try ConfigBundle.encoder.encode(manifest)
        return try sign(manifestBytes: bytes, privateKey: privateKey)
    }

    /// The bundle file for manifest bytes as given.
    public static func sign(manifestBytes: Data, privateKey: Curve25519.Signing.PrivateKey) throws -> Data {
        let signature = try privateKey.signature(for: manifestBytes)
        let bundle = ConfigBundle(
            keyId: BundleSigningKeys.keyId(privateKey.publicKey), manifest: manifestBytes.base64EncodedString(),
            signature: signature.base64EncodedString())
        return try ConfigBundle.encoder.encode(bundle)
    }
}
