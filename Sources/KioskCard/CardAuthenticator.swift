import Crypto
import KioskCore

/// Proves the terminal's key (RKSSSE) to a generation-3 card: GET CHALLENGE, then EXTERNAL
/// AUTHENTICATE with a cryptogram over the challenge. The real key lives in the terminal's PSAM
/// or an HSM and the real algorithm (3DES/SM4, chosen by 9F0C in the SELECT answer) is not
/// public, so this is a protocol; production plugs a PSAM-backed implementation in.
public protocol CardAuthenticator: Sendable {
    /// The 16-byte cryptogram for EXTERNAL AUTHENTICATE.
    func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8]
}

/// The test-key scheme shared with devices/virtual-ssc (documented there): the cryptogram is the
/// first 16 bytes of HMAC-SHA256(key, challenge). For tests and the demo only.
public struct TestKeyAuthenticator: CardAuthenticator {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// The key of the virtual card's generation-3 profiles.
    public static let demo = TestKeyAuthenticator(key: Array(0x00...0x0F))

    public func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: challenge, using: SymmetricKey(data: key)).prefix(16))
    }
}
