import Crypto
import Foundation
import KioskCore

/// Ed25519 keys for configuration bundles, as files of base64 raw keys: `NAME.key` (private,
/// mode 0600, stays with operations) and `NAME.pub` (public, copied into each kiosk's trust
/// folder, `bundles.trustDirectory`).
public enum BundleSigningKeys {
    /// Writes `<basePath>.key` and `<basePath>.pub`. Refuses to overwrite either: a signing key
    /// lost by accident would strand every kiosk that trusts it.
    public static func generate(to basePath: String) throws {
        let keyPath = basePath + ".key"
        let pubPath = basePath + ".pub"
        for path in [keyPath, pubPath] where FileManager.default.fileExists(atPath: path) {
            throw KioskError(.invalidInput, "\(path) exists; choose another name (keys are never overwritten)")
        }
        let key = Curve25519.Signing.PrivateKey()
        try DurableFile.write(Data((key.rawRepresentation.base64EncodedString() + "\n").utf8), to: keyPath, mode: 0o600, exclusive: true)
        try DurableFile.write(
            Data((key.publicKey.rawRepresentation.base64EncodedString() + "\n").utf8), to: pubPath, mode: 0o644, exclusive: true)
    }

    public static func loadPrivateKey(path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KioskError(.invalidInput, "\(path): cannot read the key file")
        }
        guard let raw = decodeBase64(data), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw KioskError(.invalidInput, "\(path): not a private key (base64 of 32 raw Ed25519 bytes, from kioskctl config keygen)")
        }
        return key
    }

    public static func loadPublicKey(path: String) throws -> Curve25519.Signing.PublicKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KioskError(.invalidInput, "\(path): cannot read the key file")
        }
        guard let raw = decodeBase64(data), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw KioskError(.invalidInput, "\(path): not a public key (base64 of 32 raw Ed25519 bytes)")
        }
        return key
    }

    /// The `*.pub` files of `directory`, by keyId. Files that are not keys are skipped (a
    /// stray README must not stop the kiosk from taking bundles); a missing folder trusts nobody.
    public static func trusted(directory: String) -> [String: Curve25519.Signing.PublicKey] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for name in names.sorted() where name.hasSuffix(".pub") {
            if let key = try? loadPublicKey(path: (directory as NSString).appendingPathComponent(name)) {
                keys[keyId(key)] = key
            }
        }
        return keys
    }

    /// The first 16 hex digits (lowercase) of SHA-256 over the raw public key.
    public static func keyId(_ key: Curve25519.Signing.PublicKey) -> String {
        String(hex(SHA256.hash(data: key.rawRepresentation)).prefix(16))
    }

    /// The keyId of a private key's public half (callers need not import Crypto).
    public static func keyId(privateKey: Curve25519.Signing.PrivateKey) -> String { keyId(privateKey.publicKey) }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 { Hex.encode(bytes).lowercased() }

    private static func decodeBase64(_ data: Data) -> Data? {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Data(base64Encoded: text)
    }
}
