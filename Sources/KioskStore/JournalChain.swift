import Crypto
import KioskCore

/// The hash chain over journal records: `hash = SHA-256(canonical bytes)`, where the canonical
/// bytes (`JournalCanonical`) include `prevHash`, so each record seals the one before it.
public enum JournalChain {
    public static func hash(_ canonical: [UInt8]) -> String {
        JournalCanonical.hex(SHA256.hash(data: canonical))
    }

    /// The hash a record should have.
    public static func hash(of record: JournalRecord) -> String {
        hash(JournalCanonical.encode(record))
    }
}

/// Where and why a chain stops being trustworthy.
public struct JournalBreak: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Reason: String, Sendable, Codable {
        /// A record's content no longer matches its hash, or a record was rewritten.
        case edited
        /// Records are missing (a gap, the start behind the anchor, or the newest ones).
        case deleted
        /// Records are in another order than they were written in.
        case reordered
    }

    /// The first sequence number that is wrong (or missing).
    public var seq: Int
    public var reason: Reason
    public var detail: String

    public var description: String { "seq \(seq): \(reason.rawValue): \(detail)" }
}

/// Checks records one after another in storage order, from an anchor (or the genesis).
struct JournalChainVerifier {
    private(set) var expectedSeq: Int
    private(set) var expectedPrevHash: String
    private(set) var count = 0
    private let anchored: Bool

    init(anchorSeq: Int, anchorHash: String) {
        anchored = anchorSeq > 0
        expectedSeq = anchorSeq + 1
        expectedPrevHash = anchorHash
    }

    /// Checks the next stored record. `lookup` finds the seq of a stored record by its hash,
    /// called only on a broken link, to tell a reorder from an edit.
    mutating func check(
        seq: Int, prevHash: String, storedHash: String, canonical: @autoclosure () -> [UInt8], lookup: (String) throws -> Int?
    ) rethrows -> JournalBreak? {
        if seq > expectedSeq {
            let missing = seq - 1 == expectedSeq ? "seq \(expectedSeq) is missing" : "seq \(expectedSeq)…\(seq - 1) are missing"
            return JournalBreak(seq: expectedSeq, reason: .deleted, detail: missing)
        }
        if seq < expectedSeq {
            return JournalBreak(seq: seq, reason: .reordered, detail: "seq \(seq) comes after seq \(expectedSeq - 1)")
        }
        if prevHash != expectedPrevHash {
            if let other = try lookup(prevHash), other != seq - 1 {
                return JournalBreak(
                    seq: seq, reason: .reordered, detail: "it links to the record stored at seq \(other), not to seq \(seq - 1)")
            }
            if count > 0 {
                return JournalBreak(
                    seq: seq - 1, reason: .edited,
                    detail: "seq \(seq) was sealed over a different seq \(seq - 1): that record was rewritten or replaced")
            }
            if anchored {
                return JournalBreak(seq: seq, reason: .edited, detail: "it does not link to the anchor's hash (seq \(seq - 1))")
            }
            return JournalBreak(seq: seq, reason: .edited, detail: "the first record does not start from the genesis hash")
        }
        if JournalChain.hash(canonical()) != storedHash {
            return JournalBreak(seq: seq, reason: .edited, detail: "its content does not match its hash")
        }
        expectedSeq = seq + 1
        expectedPrevHash = storedHash
        count += 1
        return nil
    }
}
