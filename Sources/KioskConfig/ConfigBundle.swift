import Foundation

/// A signed configuration bundle as it travels (one JSON file, UTF-8):
/// `{"format":"kioskd-config-bundle/1","keyId":…,"manifest":<base64 of the manifest JSON>,"signature":<base64 Ed25519>}`.
/// The manifest is carried as bytes, not as a nested object, so the signature covers exactly
/// what was signed, whatever a JSON encoder would do with key order or spacing.
public struct ConfigBundle: Sendable, Codable {
    public static let format = "kioskd-config-bundle/1"
    /// Bigger bundles are refused unread: a full kiosk-config is some 50 KB.
    public static let maximumSize = 16 << 20

    public struct Manifest: Codable, Sendable, Equatable {
        public struct File: Codable, Sendable, Equatable {
            /// Relative to the bundle folder: "services.json", "locales/zh-CN.json".
            public var path: String
            /// Lowercase hex SHA-256 of the content.
            public var sha256: String
            /// Base64 of the bytes.
            public var content: String

            public init(path: String, sha256: String, content: String) {
                self.path = path
                self.sha256 = sha256
                self.content = content
            }
        }

        public var version: Int
        public var createdAt: Date
        public var expires: Date
        /// Kiosk ids or group names (kiosk.groups).
        public var targets: [String]
        public var files: [File]

        public init(version: Int, createdAt: Date, expires: Date, targets: [String], files: [File]) {
            self.version = version
            self.createdAt = createdAt
            self.expires = expires
            self.targets = targets
            self.files = files
        }
    }

    public var format: String
    public var keyId: String?
    /// Base64 of the manifest JSON bytes.
    public var manifest: String
    /// Base64 of the Ed25519 signature over the manifest bytes.
    public var signature: String?

    public init(format: String = ConfigBundle.format, keyId: String?, manifest: String, signature: String?) {
        self.format = format
        self.keyId = keyId
        self.manifest = manifest
        self.signature = signature
    }

    /// ISO 8601 dates, sorted keys: the manifest bytes a signer produces.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// Why a kiosk did not take a bundle. Each case is one thing an operator can act on.
public enum ConfigBundleRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a bundle: not JSON, wrong format, truncated, bad base64, manifest not decodable, a
    /// file whose sha256 does not match, or an unsafe path.
    case malformed(String)
    /// The signature or the keyId is missing or empty.
    case unsigned
    /// Signed by a key that is not in the kiosk's trust folder.
    case untrustedKey(keyId: String)
    /// The signature does not verify: the manifest was altered after signing.
    case badSignature
    case expired(Date)
    /// Anti-rollback: a bundle must be newer than anything the kiosk ever took.
    case notNewer(version: Int, current: Int)
    /// Neither this kiosk's id nor any of its groups is among the targets.
    case notTargeted(targets: [String])
    /// settings.yaml or a config file does not validate ("file:line: what is allowed").
    case invalidContent(String)

    public var description: String {
        switch self {
        case .malformed(let why): "refused: not a valid bundle file: \(why)"
        case .unsigned: "refused: the bundle is not signed (no signature or keyId)"
        case .untrustedKey(let keyId):
            "refused: signed by a key this kiosk does not trust (keyId \(keyId)); its trust folder must hold that key's .pub"
        case .badSignature: "refused: the signature does not match the contents (altered after signing, or signed with another key)"
        case .expired(let date): "refused: the bundle expired at \(date.formatted(.iso8601))"
        case .notNewer(let version, let current):
            "refused: version \(version) is not newer than version \(current), the newest this kiosk has taken (no going back)"
        case .notTargeted(let targets):
            "refused: the bundle is for \(targets.joined(separator: ", ")), not for this kiosk or its groups"
        case .invalidContent(let why): "refused: the contents do not validate:\n\(why)"
        }
    }
}

/// A bundle that passed every check, as the daemon uses it.
public struct VerifiedConfigBundle: Sendable, Equatable {
    public let version: Int
    public let createdAt: Date
    public let expires: Date
    public let targets: [String]
    public let keyId: String
    /// Lowercase hex SHA-256 of the whole bundle file, for the history.
    public let sha256: String
    /// Relative path → bytes.
    public let files: [String: Data]

    public init(version: Int, createdAt: Date, expires: Date, targets: [String], keyId: String, sha256: String, files: [String: Data]) {
        self.version = version
        self.createdAt = createdAt
        self.expires = expires
        self.targets = targets
        self.keyId = keyId
        self.sha256 = sha256
        self.files = files
    }
}
