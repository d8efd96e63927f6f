import Foundation
import KioskCore
import KioskStore
import Testing

/// An in-process hub: stores journal records idempotently by seq (409 on another hash or a
/// broken link, as the contract says), ratings by transaction id; can be down.
actor FakeHub: JournalUplink {
    struct Down: Error {}
    struct Conflict: Error { var seq: Int }

    private(set) var journal: [Int: JournalRecord] = [:]
    private(set) var ratings: [String: RatingRecord] = [:]
    private(set) var ratingOrder: [String] = []
    private(set) var journalCalls = 0
    private(set) var conflicts = 0
    var isDown = false
    /// Fail after storing, before answering: the kiosk does not learn that the hub has it.
    var loseNextAnswer = false
    /// Refuse every journal batch (as a hub does with 409 for a journal it cannot accept).
    var refuseJournal = false

    func setDown(_ down: Bool) { isDown = down }
    func setLoseNextAnswer() { loseNextAnswer = true }
    func setRefuseJournal(_ refuse: Bool) { refuseJournal = refuse }

    var highestContiguousSeq: Int {
        var seq = 0
        while journal[seq + 1] != nil { seq += 1 }
        return seq
    }

    func deliverJournal(_ records: [JournalRecord]) async throws -> Int {
        journalCalls += 1
        if isDown { throw Down() }
        if refuseJournal { throw Conflict(seq: records.first?.seq ?? 0) }
        for record in records {
            if let stored = journal[record.seq] {
                guard stored.hash == record.hash else {
                    conflicts += 1
                    throw Conflict(seq: record.seq)
                }
                continue
            }
            if record.seq > 1, let before = journal[record.seq - 1], before.hash != record.prevHash {
                conflicts += 1
                throw Conflict(seq: record.seq)
            }
            journal[record.seq] = record
        }
        if loseNextAnswer {
            loseNextAnswer = false
            throw Down()
        }
        return highestContiguousSeq
    }

    func deliverRating(_ rating: RatingRecord) async throws {
        if isDown { throw Down() }
        if ratings[rating.transactionId] == nil { ratingOrder.append(rating.transactionId) }
        ratings[rating.transactionId] = rating
        if loseNextAnswer {
            loseNextAnswer = false
            throw Down()
        }
    }
}

@Suite struct OutboxDelivererTests {
    static func deliverer(_ store: KioskStore, _ hub: FakeHub, batch: Int = 7) -> OutboxDeliverer {
        var policy = OutboxDeliverer.Policy()
        policy.batchSize = batch
        policy.idleInterval = .milliseconds(5)
        policy.initialBackoff = .milliseconds(2)
        policy.maximumBackoff = .milliseconds(20)
        return OutboxDeliverer(store: store, uplink: hub, policy: policy)
    }

    static func rating(_ i: Int) -> RatingRecord {
        RatingRecord(
            transactionId: "T-\(i)", service: "contribution-history", score: 1 + i % 5, sessionId: "S-\(i)",
            time: "2025-03-01T08:00:0\(i % 10).000Z")
    }

    @Test func deliversEverythingInOrderOnce() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let records = try await Fixture.append(store, 30)
        for i in 0..<3 { try await store.recordRating(Self.rating(i)) }
        let hub = FakeHub()
        let report = try await Self.deliverer(store, hub).deliverPending()
        #expect(report.journalRecords == 33)
        #expect(report.ratings == 3)
        #expect(await hub.journal.keys.sorted() == Array(1...33))
        #expect(await hub.journal[30] == records[29])
        #expect(await hub.ratingOrder == ["T-0", "T-1", "T-2"])
        let status = try await store.outboxStatus()
        #expect(status.map(\.pending) == [0, 0])
        #expect(status[0].ackedSeq == 33)
        #expect(status[0].lastDeliveryAt != nil)
        #expect(try await Self.deliverer(store, hub).deliverPending().isEmpty)
    }

    /// The hub refuses the journal for good: the ratings still reach it, the journal stays
    /// pending with its error recorded, and the call still fails so the backoff applies.
    @Test func aRefusedJournalDoesNotHoldBackTheRatings() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        try await Fixture.append(store, 3)
        for i in 0..<2 { try await store.recordRating(Self.rating(i)) }
        let hub = FakeHub()
        await hub.setRefuseJournal(true)
        let deliverer = Self.deliverer(store, hub)
        await #expect(throws: FakeHub.Conflict.self) { try await deliverer.deliverPending() }
        #expect(await hub.ratingOrder == ["T-0", "T-1"])
        #expect(await hub.journal.isEmpty)
        let status = try await store.outboxStatus()
        #expect(status[0].pending == 5 && status[0].lastError?.contains("Conflict") == true)
        #expect(status[1].pending == 0)
        #expect(await deliverer.consecutiveFailures == 1)
    }

    @Test func aRatingIsRecordedOnceAndJournalled() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        #expect(try await store.recordRating(Self.rating(1)))
        #expect(try await !store.recordRating(Self.rating(1)))
        let tail = try await store.tail(5)
        #expect(tail.map(\.kind) == [.rating])
        #expect(tail[0].payload["transactionId"] == .string("T-1"))
        await #expect(throws: KioskError.self) {
            try await store.recordRating(RatingRecord(transactionId: "T-x", service: "s", score: 6, time: "2025-03-01T08:00:00.000Z"))
        }
    }

    @Test func hubDownForAWhileThenBackLosesNothingAndSendsNothingTwice() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let hub = FakeHub()
        let deliverer = Self.deliverer(store, hub)
        try await Fixture.append(store, 5)
        try await deliverer.deliverPending()
        await hub.setDown(true)
        // The kiosk keeps serving while the hub is away: the backlog grows, nothing is dropped.
        for round in 0..<4 {
            try await Fixture.append(store, 10, from: 5 + round * 10)
            try await store.recordRating(Self.rating(round))
            await #expect(throws: FakeHub.Down.self) { try await deliverer.deliverPending() }
        }
        #expect(await deliverer.consecutiveFailures == 4)
        let down = try await store.outboxStatus()
        #expect(down[0].pending == 44)
        #expect(down[0].failedAttempts == 4)
        #expect(down[0].lastError?.contains("Down") == true)
        #expect(down[1].pending == 4)
        await hub.setDown(false)
        try await deliverer.deliverPending()
        #expect(await deliverer.consecutiveFailures == 0)
        #expect(await hub.journal.keys.sorted() == Array(1...49))
        #expect(await hub.conflicts == 0)
        #expect(await hub.ratingOrder == ["T-0", "T-1", "T-2", "T-3"])
        let stored = await hub.journal
        for seq in 2...49 { #expect(stored[seq]?.prevHash == stored[seq - 1]?.hash) }
        #expect(try await store.outboxStatus().map(\.pending) == [0, 0])
    }

    @Test func aLostAnswerIsResentAndTheHubKeepsOneCopy() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let hub = FakeHub()
        try await Fixture.append(store, 10)
        try await store.recordRating(Self.rating(1))
        await hub.setLoseNextAnswer()
        await #expect(throws: FakeHub.Down.self) { try await Self.deliverer(store, hub, batch: 100).deliverPending() }
        // 10 records and the rating's own journal record.
        #expect(try await store.outboxStatus()[0].pending == 11)
        try await Self.deliverer(store, hub, batch: 100).deliverPending()
        #expect(await hub.journal.count == 11)
        #expect(await hub.conflicts == 0)
        await hub.setLoseNextAnswer()
        try await store.recordRating(Self.rating(2))
        await #expect(throws: FakeHub.Down.self) { try await Self.deliverer(store, hub).deliverPending() }
        try await Self.deliverer(store, hub).deliverPending()
        #expect(await hub.ratingOrder == ["T-1", "T-2"])
    }

    @Test func aRestartedDelivererContinuesWhereTheLastOneStopped() async throws {
        let folder = try TemporaryFolder()
        let hub = FakeHub()
        do {
            let store = try Fixture.openStore(folder)
            try await Fixture.append(store, 100)
            let task = Task { await Self.deliverer(store, hub, batch: 3).run() }
            // Stop it mid-way, as a daemon restart would.
            while await hub.journal.count < 20 { try await Task.sleep(for: .milliseconds(1)) }
            task.cancel()
            await task.value
        }
        let delivered = await hub.journal.count
        #expect(delivered < 100)
        let store = try Fixture.openStore(folder)
        #expect(try await store.outboxStatus()[0].ackedSeq ?? 0 <= delivered)
        try await Fixture.append(store, 5, from: 100)
        let task = Task { await Self.deliverer(store, hub, batch: 3).run() }
        while try await store.outboxStatus()[0].pending > 0 { try await Task.sleep(for: .milliseconds(2)) }
        task.cancel()
        await task.value
        #expect(await hub.journal.keys.sorted() == Array(1...105))
        #expect(await hub.conflicts == 0)
    }

    @Test func runKeepsRetryingThroughAnOutage() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let hub = FakeHub()
        await hub.setDown(true)
        try await Fixture.append(store, 12)
        let deliverer = Self.deliverer(store, hub)
        let task = Task { await deliverer.run() }
        while await hub.journalCalls < 4 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await hub.journal.isEmpty)
        await hub.setDown(false)
        while try await store.outboxStatus()[0].pending > 0 { try await Task.sleep(for: .milliseconds(2)) }
        task.cancel()
        await task.value
        #expect(await hub.journal.keys.sorted() == Array(1...12))
    }

    @Test func prunesOnlyDeliveredRecordsPastRetentionAndAtMostOncePerInterval() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let hub = FakeHub()
        let now = Date()
        for i in 0..<6 { _ = try await store.append(Fixture.entry(i), at: now.addingTimeInterval(-Double(10 - i) * 86_400)) }
        var policy = OutboxDeliverer.Policy()
        policy.retention = .seconds(7 * 86_400)
        let deliverer = OutboxDeliverer(store: store, uplink: hub, policy: policy)
        // Nothing delivered yet: nothing may go, however old.
        #expect(try await deliverer.pruneIfDue(now: now) == 0)
        let fresh = OutboxDeliverer(store: store, uplink: hub, policy: policy)
        try await fresh.deliverPending()
        // Records 10, 9 and 8 days old go; 7 days and younger stay.
        #expect(try await fresh.pruneIfDue(now: now) == 3)
        #expect(try await fresh.pruneIfDue(now: now.addingTimeInterval(86_400 * 30)) == 0, "once per interval")
        #expect(try await store.journalAnchor()?.seq == 3)
        #expect(try await store.verifyJournal().problem == nil)
        #expect(await hub.journal.count == 6)
    }

    @Test func backoffGrowsAndStaysWithinItsJitteredBounds() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let hub = FakeHub()
        await hub.setDown(true)
        try await Fixture.append(store, 1)
        var policy = OutboxDeliverer.Policy()
        policy.initialBackoff = .seconds(1)
        policy.maximumBackoff = .seconds(8)
        let low = OutboxDeliverer(store: store, uplink: hub, policy: policy, random: { 0 })
        let high = OutboxDeliverer(store: store, uplink: hub, policy: policy, random: { 0.999_999 })
        var lows: [Duration] = []
        var highs: [Duration] = []
        for _ in 0..<6 {
            _ = try? await low.deliverPending()
            _ = try? await high.deliverPending()
            lows.append(await low.backoff())
            highs.append(await high.backoff())
        }
        #expect(lows == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        for (h, l) in zip(highs, lows) { #expect(h > l && h <= l * 2) }
    }
}
