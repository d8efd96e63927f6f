import Foundation
import KioskCore
import KioskStore
import KioskTesting
import Subprocess
import SystemPackage
import Testing

/// The journal under SIGKILL: a child (`kiosk-bench journal-append-child`) appends in a loop and
/// prints each acknowledged seq; the test kills it at a random moment, 200 times, and after each
/// kill opens the store as a restarted daemon would. Every time the chain must verify, the
/// sequence must run 1…head with no gap or duplicate, and every seq the child printed (an
/// acknowledged append) must be there.
@Suite(.tags(.integration)) struct JournalCrashTests {
    static let kills = 200

    @Test(.timeLimit(.minutes(Int((3 * TestTime.scale).rounded(.up))))) func sigkillAtRandomMomentsLosesNoAcknowledgedAppend() async throws
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("kiosk.sqlite").path
        let firstSeed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: firstSeed)
        var everAcknowledged = 0
        var headBefore = 0
        var killedWhileAppending = 0

        for round in 1...Self.kills {
            // Kill anywhere from process start (before the store is even open) to well into the loop
            // (a start-up takes longer under a sanitizer: the window stretches with it).
            let delay = Int(random.next() % UInt64(220 * TestTime.scale)) + 5
            let (acknowledged, status, stderr) = try await Self.runChild(db: db, killAfterMilliseconds: delay)
            let context = "round \(round), kill after \(delay) ms, seed \(firstSeed), time scale \(TestTime.scale)"
            guard case .signaled(let signal) = status, signal == SIGKILL else {
                Issue.record("the child was not killed but ended with \(status): \(stderr) (\(context))")
                return
            }
            if !acknowledged.isEmpty { killedWhileAppending += 1 }
            // The child's acknowledged seqs follow the last head, one by one.
            #expect(acknowledged == Array(acknowledged.indices.map { headBefore + 1 + $0 }), "\(context)")
            everAcknowledged = max(everAcknowledged, acknowledged.last ?? 0)

            guard FileManager.default.fileExists(atPath: db) else {
                // Killed before the store file was linked into place: nothing can have been acknowledged.
                #expect(acknowledged.isEmpty, "\(context)")
                continue
            }
            let store = try KioskStore.open(path: db, options: .init(kioskId: "KIOSK-CRASH-0001"))
            let verification = try await store.verifyJournal()
            try store.close()
            #expect(verification.problem == nil, "\(context): \(String(describing: verification.problem))")
            // From the genesis: `records` counts every seq 1…lastSeq, so there is no gap or duplicate.
            #expect(verification.records == verification.lastSeq, "\(context)")
            #expect(verification.lastSeq >= everAcknowledged, "acknowledged seq \(everAcknowledged) is missing (\(context))")
            if verification.problem != nil || verification.lastSeq < everAcknowledged { return }
            headBefore = verification.lastSeq
        }
        // The kills must have hit appends in flight, not only start-ups.
        #expect(killedWhileAppending > Self.kills / 2)
        #expect(everAcknowledged > Self.kills)
    }

    /// Runs the child until `killAfterMilliseconds`, then SIGKILLs it; returns the seqs it printed.
    static func runChild(db: String, killAfterMilliseconds: Int) async throws -> ([Int], TerminationStatus, String) {
        let result = try await Subprocess.run(
            .path(Rigs.executable("kiosk-bench")), arguments: ["journal-append-child", "--db", db],
            input: .none, output: .sequence, error: .string(limit: 1 << 16)
        ) { execution in
            let killer = Task {
                try await Task.sleep(for: .milliseconds(killAfterMilliseconds))
                try execution.send(signal: .kill)
            }
            var seqs: [Int] = []
            for try await line in execution.standardOutput.strings() {
                guard let seq = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
                seqs.append(seq)
            }
            killer.cancel()
            return seqs
        }
        return (result.closureResult, result.terminationStatus, result.standardError)
    }
}
