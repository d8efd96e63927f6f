import Foundation

/// The code a receipt carries so anyone can check it (hub contract, "Receipt codes"):
/// `R-{seq}-{hash8}-{kioskId}`: the sequence number of the receipt's own journal record, the
/// first 8 hex characters of that record's hash, and the kiosk. The hub answers `valid` when its
/// copy of the journal has that record with that hash; the kiosk answers the same from its own
/// (`kioskctl journal find`).
public struct DocumentCode: Sendable, Equatable, CustomStringConvertible {
    public var kioskId: String
    public var seq: Int
    /// 8 lowercase hex characters.
    public var hash8: String

    public init(kioskId: String, seq: Int, hash: String) {
        self.kioskId = kioskId
        self.seq = seq
        hash8 = String(hash.prefix(8)).lowercased()
    }

    /// nil when `text` is not a receipt code (a certificate's verification code, a typo).
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "R", let seq = Int(parts[1]), seq > 0, parts[1].allSatisfy(\.isNumber),
            parts[2].count == 8, parts[2].allSatisfy(\.isHexDigit), !parts[3].isEmpty
        else { return nil }
        kioskId = String(parts[3])
        self.seq = seq
        hash8 = parts[2].lowercased()
    }

    public var text: String { "R-\(seq)-\(hash8)-\(kioskId)" }
    public var description: String { text }

    public enum Verdict: String, Sendable, Equatable {
        /// The record is there with this hash.
        case valid
        /// A record with this sequence number exists, with another hash: not this kiosk's paper.
        case mismatch
        /// No such record (yet): another kiosk's, not delivered yet, or invented.
        case unknown
    }

    /// The verdict against the record with this code's sequence number, if any (its hash).
    public func verdict(recordHash: String?) -> Verdict {
        guard let recordHash else { return .unknown }
        return recordHash.lowercased().hasPrefix(hash8) ? .valid : .mismatch
    }
}

extension JournalEntry {
    /// A receipt was made: its own record, whose seq and hash its code carries. The print's
    /// outcome follows in the session's `print` record, as for every print.
    public static func documentIssued(kind: PrintRequest.Kind, requestId: String, sessionId: String?, staffRef: String? = nil)
        -> JournalEntry
    {
        var payload: [String: JournalValue] = ["kind": .string(kind.rawValue), "requestId": .string(requestId), "state": .string("issued")]
        if let staffRef { payload["staffRef"] = .string(staffRef) }
        return JournalEntry(kind: .print, sessionId: sessionId, payload: payload)
    }
}
