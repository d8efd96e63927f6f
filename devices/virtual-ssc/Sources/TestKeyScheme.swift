import Crypto

/// Stand-in for the gen 3 card's external authentication with RKSSSE. The real algorithm
/// (3DES/SM4 with a key in the terminal's PSAM) is not public, so card and PSAM agree on this
/// documented test scheme instead: the terminal has the PSAM encrypt the challenge padded with
/// zeros to one 16-byte block, and cryptogram = first 16 bytes of
/// HMAC-SHA256(authKey, challenge || 00 x 8). `authKey` is the card's own key, diversified from
/// the PSAM's test master key by the card identifier (devices/virtual-psam/README.md).
/// Only for test cards; it proves the reader's flow, not any real key.
enum TestKeyScheme {
    static func cryptogram(key: [UInt8], challenge: [UInt8]) -> [UInt8] {
        let block = challenge + [UInt8](repeating: 0, count: max(0, 16 - challenge.count))
        let mac = HMAC<SHA256>.authenticationCode(for: block, using: SymmetricKey(data: key))
        return Array(Array(mac).prefix(16))
    }

    /// Compares in constant time, as a card would, so timing does not leak matching bytes.
    static func verify(_ candidate: [UInt8], key: [UInt8], challenge: [UInt8]) -> Bool {
        let expected = cryptogram(key: key, challenge: challenge)
        guard candidate.count == expected.count else { return false }
        return zip(candidate, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
