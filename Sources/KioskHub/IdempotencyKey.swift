import Crypto
import Foundation

/// Idempotency keys as the contract has them (a UUID) that stay the same for the same thing
/// across retries and restarts: name-based UUIDs (RFC 9562, version 5) in the kiosk's own
/// namespace. A rating is `rating-<transactionId>`, a journal batch `journal-<kiosk>-<first>-<last>`.
/// Written here because Foundation makes only random UUIDs; it is SHA-1 and two bit fields.
enum IdempotencyKey {
    /// The kiosk's namespace (a random UUID, fixed for good: changing it changes every key).
    static let kioskNamespace = UUID(uuidString: "3d6f0c8e-52a1-4b7e-9c0f-6b1d2e8a4f17")!

    static func named(_ name: String, in namespace: UUID = kioskNamespace) -> String {
        var sha = Insecure.SHA1()
        withUnsafeBytes(of: namespace.uuid) { sha.update(bufferPointer: $0) }
        sha.update(data: Data(name.utf8))
        var b = Array(sha.finalize().prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50  // version 5
        b[8] = (b[8] & 0x3F) | 0x80  // RFC variant
        let uuid = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        return uuid.uuidString.lowercased()
    }
}
