import Foundation
import KioskCore
import Logging

/// Delivers the outbox to the hub: journal records in sequence order, in batches, then ratings
/// in the order they were given. Sending is at least once (a crash between the hub storing a
/// batch and our acknowledgement resends it); the hub's idempotency by `(kioskId, seq)` and
/// `transactionId` makes delivery exactly once. Nothing is dropped: on failure the backlog
/// waits, with exponential back-off and jitter, for as long as the hub stays away.
///
/// The daemon wraps `run()` in a Service; tests call `deliverPending()` step by step.
public actor OutboxDeliverer {
    public struct Policy: Sendable {
        public var batchSize = 200
        /// Wait between checks when nothing is pending.
        public var idleInterval: Duration = .seconds(2)
        /// First back-off after a failure; doubled per failure up to `maximumBackoff`.
        public var initialBackoff: Duration = .milliseconds(500)
        public var maximumBackoff: Duration = .seconds(60)
        /// Journal records older than this that the hub acknowledged are pruned (behind the
        /// anchor); nil keeps every record on the kiosk.
        public var retention: Duration?
        /// How often pruning runs at most.
        public var pruneInterval: Duration = .seconds(3600)
        public init() {}
    }

    public struct Report: Sendable, Equatable {
        public var journalRecords = 0
        public var ratings = 0
        public var isEmpty: Bool { journalRecords == 0 && ratings == 0 }
    }

    private let store: KioskStore
    private let uplink: any JournalUplink
    private let policy: Policy
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable () -> Double
    /// Failures in a row, for the back-off.
    public private(set) var consecutiveFailures = 0
    private var lastPrune: ContinuousClock.Instant?
    private let logger: Logger

    public init(
        store: KioskStore, uplink: any JournalUplink, policy: Policy = Policy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger = Logger(label: "kioskd.outbox")
    ) {
        self.logger = logger
        self.store = store
        self.uplink = uplink
        self.policy = policy
        self.sleep = sleep
        self.random = random
    }

    /// Delivers until cancelled. Errors from the hub or the store never end the loop: they are
    /// recorded and retried.
    public func run() async {
        while !Task.isCancelled {
            do {
                let report = try await deliverPending()
                do {
                    try await pruneIfDue()
                } catch is CancellationError {
                    return
                } catch {
                    // One transaction: a pruning that fails (a full disk) deletes nothing and is
                    // tried again at the next interval; delivery goes on meanwhile.
                    lastPrune = .now
                    logger.error(
                        "journal pruning failed, nothing was removed; next try in \(policy.pruneInterval): \(Self.describe(error))")
                }
                if report.isEmpty { try await sleep(policy.idleInterval) }
            } catch is CancellationError {
                return
            } catch {
                // Hub failures are also kept per destination (`kioskctl outbox status`); a store that
                // cannot be read or written is said only here, so every failure is logged.
                let wait = backoff()
                logger.warning(
                    "outbox delivery failed (\(consecutiveFailures) in a row), next try in \(wait): \(Self.describe(error))")
                do { try await sleep(wait) } catch { return }
            }
        }
    }

    /// Prunes acknowledged records older than `policy.retention`, at most once per
    /// `pruneInterval`. Returns how many went.
    @discardableResult
    public func pruneIfDue(now: Date = .now) async throws -> Int {
        guard let retention = policy.retention else { return 0 }
        if let lastPrune, ContinuousClock.now - lastPrune < policy.pruneInterval { return 0 }
        let pruned = try await store.pruneJournal(olderThan: retention, now: now)
        lastPrune = .now
        return pruned
    }

    /// The wait before the next attempt: exponential in the failures so far, with "equal
    /// jitter" (half fixed, half random) so a fleet of kiosks does not return to the hub in step.
    public func backoff() -> Duration {
        let exponent = min(max(consecutiveFailures - 1, 0), 20)
        let full = min(policy.initialBackoff * (1 << exponent), policy.maximumBackoff)
        return full / 2 + full / 2 * random()
    }

    /// Delivers everything pending now, journal then ratings; each stops at its first failure
    /// (after recording it), and the first failure is thrown once both had their turn. Ratings
    /// go even when the journal fails: a batch the hub refuses for good (a store restored from a
    /// backup answers 409) must not hold back every citizen's rating behind it.
    @discardableResult
    public func deliverPending() async throws -> Report {
        var report = Report()
        var failure: (any Error)?
        do { report.journalRecords = try await deliverJournal() } catch { failure = error }
        do { report.ratings = try await deliverRatings() } catch { failure = failure ?? error }
        if let failure {
            consecutiveFailures += 1
            throw failure
        }
        consecutiveFailures = 0
        return report
    }

    private func deliverJournal() async throws -> Int {
        var delivered = 0
        while true {
            try Task.checkCancellation()
            let batch = try await store.pendingJournal(limit: policy.batchSize)
            guard let first = batch.first, let last = batch.last else { return delivered }
            let highest: Int
            do {
                highest = try await uplink.deliverJournal(batch)
            } catch {
                try await store.recordDeliveryFailure(.journal, error: Self.describe(error))
                throw error
            }
            // The hub may hold more than this batch (a resend after a crash); never acknowledge
            // beyond what we sent and know to be contiguous.
            let acknowledged = min(highest, last.seq)
            guard acknowledged >= first.seq else {
                let error = KioskError(
                    .hub, "the hub stored none of seq \(first.seq)…\(last.seq) (its highest contiguous seq is \(highest))")
                try await store.recordDeliveryFailure(.journal, error: error.message)
                throw error
            }
            try await store.acknowledgeJournal(through: acknowledged)
            delivered += acknowledged - first.seq + 1
        }
    }

    private func deliverRatings() async throws -> Int {
        var delivered = 0
        while true {
            try Task.checkCancellation()
            let pending = try await store.pendingRatings(limit: policy.batchSize)
            if pending.isEmpty { return delivered }
            for rating in pending {
                do {
                    try await uplink.deliverRating(rating)
                } catch {
                    try await store.recordDeliveryFailure(.ratings, error: Self.describe(error))
                    throw error
                }
                try await store.markRatingDelivered(transactionId: rating.transactionId)
                delivered += 1
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? KioskError)?.description ?? "\(error)"
    }
}
