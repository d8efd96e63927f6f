import Crypto
import KioskCore

/// Proves the terminal's key (RKSSSE) to a generation-3 card: GET CHALLENGE, then EXTERNAL
/// AUTHENTICATE with a cryptogram over the challenge. The real key lives in the terminal's PSAM
/// or an HSM and the real algorithm (3DES/SM4, chosen by 9F0C in the SELECT answer) is not
/// public, so this is a protocol: `PSAMAuthenticator` relays it through the terminal's PSAM.
public protocol CardAuthenticator: Sendable {
    /// The 16-byte cryptogram for EXTERNAL AUTHENTICATE. A PSAM's failure is a `PSAMFailure`.
    func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8]
    /// Told that the card refused the cryptogram (wrong key).
    func cardRefused() async
}

extension CardAuthenticator {
    public func cardRefused() async {}
}

/// A test-key scheme for unit tests of the card application (their in-process card checks it):
/// the cryptogram is the first 16 bytes of HMAC-SHA256(key, challenge). Never used by kioskd.
public struct TestKeyAuthenticator: CardAuthenticator {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    public func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: challenge, using: SymmetricKey(data: key)).prefix(16))
    }
}
