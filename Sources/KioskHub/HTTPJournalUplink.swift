import Foundation
import KioskCore

/// The outbox's way to the hub over HTTPS: journal batches as `POST /v1/journal` (each record
/// exactly as the journal hashed it, hash included), ratings as `POST /v1/ratings`. The hub is
/// idempotent by `(kioskId, seq)` and by `transactionId`; the Idempotency-Key of a batch names
/// its range, so a resend after a lost answer replays the stored answer.
public struct HTTPJournalUplink: JournalUplink {
    let client: HTTPHubClient

    public init(client: HTTPHubClient) {
        self.client = client
    }

    public func deliverJournal(_ records: [JournalRecord]) async throws -> Int {
        guard let first = records.first, let last = records.last else { return 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bodies = try records.map { try encoder.encode($0) }
        return try await client.postJournal(
            recordsJSON: bodies, key: IdempotencyKey.named("journal-\(first.kioskId)-\(first.seq)-\(last.seq)"))
    }

    public func deliverRating(_ rating: RatingRecord) async throws {
        try await client.submitRating(
            transactionId: rating.transactionId, service: rating.service, score: rating.score, comment: rating.comment)
    }
}
