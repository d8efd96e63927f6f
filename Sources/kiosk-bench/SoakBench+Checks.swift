import Foundation
import KioskCore
import KioskStore

/// What a soak must leave behind: a journal that verifies and is the hub's too, every rating at
/// the hub once, every print journalled once and on paper once, nothing printed for a session
/// that had ended.
struct SoakChecks {
    var verified = false
    var verifyProblem: String?
    var records = 0
    var journalNotAtHub = 0
    var journalDifferentAtHub = 0
    var journalOnlyAtHub = 0
    var ratings = 0
    var ratingsNotAtHub = 0
    var ratingsOnlyAtHub = 0
    var ratingsJournalledTwice = 0
    var printsCompleted = 0
    var printedNotJournalled = 0
    var journalledNotPrinted = 0
    var printedTwice = 0
    var journalledTwice = 0
    var printedAfterTheSessionEnded = 0
    var printsUncertain = 0
    var printsUncertainOnPaper = 0

    var lost: Int {
        journalNotAtHub + journalDifferentAtHub + journalOnlyAtHub + ratingsNotAtHub + ratingsOnlyAtHub + printedNotJournalled
            + journalledNotPrinted + printedAfterTheSessionEnded
    }
    var duplicated: Int { ratingsJournalledTwice + printedTwice + journalledTwice }

    func printTable() {
        print("| check | found | should be |")
        print("|---|---|---|")
        print("| kioskctl journal verify | \(verified ? "verifies" : "BROKEN: \(verifyProblem ?? "?")") | verifies |")
        print("| journal records at the kiosk | \(records) | – |")
        print("| … not at the hub | \(journalNotAtHub) | 0 |")
        print("| … at the hub with another hash | \(journalDifferentAtHub) | 0 |")
        print("| … at the hub only (gone from the kiosk) | \(journalOnlyAtHub) | 0 |")
        print("| ratings journalled | \(ratings) | – |")
        print("| … not at the hub | \(ratingsNotAtHub) | 0 |")
        print("| … at the hub only | \(ratingsOnlyAtHub) | 0 |")
        print("| … journalled twice | \(ratingsJournalledTwice) | 0 |")
        print("| prints journalled completed | \(printsCompleted) | – |")
        print("| … not at the printer | \(journalledNotPrinted) | 0 |")
        print("| … journalled completed twice | \(journalledTwice) | 0 |")
        print("| papers at the printers not journalled completed | \(printedNotJournalled) | 0 |")
        print("| papers printed twice | \(printedTwice) | 0 |")
        print("| papers for a print cancelled with its session | \(printedAfterTheSessionEnded) | 0 |")
        print("| prints journalled unknown or missing (cupsd lost them; cancelled mid-print at a start) | \(printsUncertain) | – |")
        print("| … of which on paper | \(printsUncertainOnPaper) | – |")
    }
}

extension SoakRig {
    /// Waits for the outbox to deliver (every fault cleared), then checks.
    func check() async throws -> SoakChecks {
        var checks = SoakChecks()
        let store = try KioskStore.openReadOnly(path: storePath)
        defer { try? store.close() }

        var kiosk: [JournalRecord] = []
        var hub: [Int: String] = [:]
        var hubRatings: Set<String> = []
        // The outbox delivers the journal and the ratings separately: both are waited for.
        let deadline = ContinuousClock.now + .seconds(180)
        repeat {
            kiosk = try await store.records(after: 0, limit: Int.max)
            hub = try await hubJournal()
            hubRatings = try await self.hubRatings()
            let ratings = kiosk.filter { $0.kind == .rating }.compactMap { $0.payload["transactionId"]?.string }
            if kiosk.allSatisfy({ hub[$0.seq] == $0.hash }) && ratings.allSatisfy(hubRatings.contains) { break }
            try await Task.sleep(for: .seconds(1))
        } while ContinuousClock.now < deadline
        let verification = try await store.verifyJournal()
        checks.verified = verification.problem == nil
        checks.verifyProblem = verification.problem?.description
        checks.records = kiosk.count
        let seqs = Set(kiosk.map(\.seq))
        for record in kiosk {
            if let hash = hub[record.seq] {
                if hash != record.hash { checks.journalDifferentAtHub += 1 }
            } else {
                checks.journalNotAtHub += 1
            }
        }
        checks.journalOnlyAtHub = hub.keys.filter { !seqs.contains($0) }.count

        // Ratings: the kiosk's journal against the hub's ratings, by transaction.
        let rated = kiosk.filter { $0.kind == .rating }.compactMap { $0.payload["transactionId"]?.string }
        checks.ratings = rated.count
        checks.ratingsJournalledTwice = rated.count - Set(rated).count
        checks.ratingsNotAtHub = Set(rated).subtracting(hubRatings).count
        checks.ratingsOnlyAtHub = hubRatings.subtracting(rated).count

        // Prints: the printers' kept papers (named after kioskd's request) against the journal.
        var papers: [String: Int] = [:]
        for printer in Self.printers {
            for file in Self.keptJobs(printer).subtracting(jobsBefore[printer] ?? []) {
                let id = file.firstMatch(of: /kioskd-([0-9a-fA-F-]{36})/).map { String($0.1) } ?? file
                papers[id, default: 0] += 1
            }
        }
        var completed: [String: Int] = [:]
        var cancelled: Set<String> = []
        var uncertain: Set<String> = []
        for record in kiosk where record.kind == .print {
            guard case .string(let id) = record.payload["requestId"] else { continue }
            switch record.payload["state"] {
            case .string("completed"): completed[id, default: 0] += 1
            case .string("cancelled"): cancelled.insert(id)
            // Unknown: the kiosk says it cannot tell whether it printed; missing: cupsd had no
            // record of it at the next start. Either may be on paper; neither may be twice.
            case .string(SessionMachine.uncertainPrintState), .string("missing"): uncertain.insert(id)
            default: break
            }
        }
        checks.printsCompleted = completed.count
        checks.journalledTwice = completed.values.reduce(0) { $0 + max(0, $1 - 1) }
        checks.printedTwice = papers.values.reduce(0) { $0 + max(0, $1 - 1) }
        checks.journalledNotPrinted = completed.keys.filter { papers[$0] == nil }.count
        checks.printedAfterTheSessionEnded = papers.keys.filter { cancelled.contains($0) && completed[$0] == nil }.count
        checks.printedNotJournalled =
            papers.keys.filter { completed[$0] == nil && !cancelled.contains($0) && !uncertain.contains($0) }
            .count
        checks.printsUncertain = uncertain.count
        checks.printsUncertainOnPaper = uncertain.filter { papers[$0] != nil }.count
        return checks
    }

    /// The hub's copy of this kiosk's journal: seq → hash.
    private func hubJournal() async throws -> [Int: String] {
        let body = try await BenchTerminal.run(["/usr/bin/curl", "-sf", "\(hubURL)sim/journal/\(Self.kioskId)"])
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        var out: [Int: String] = [:]
        for record in json?["records"] as? [[String: Any]] ?? [] {
            if let seq = record["seq"] as? Int, let hash = record["hash"] as? String { out[seq] = hash }
        }
        return out
    }

    private func hubRatings() async throws -> Set<String> {
        let body = try await BenchTerminal.run(["/usr/bin/curl", "-sf", "\(hubURL)sim/ratings"])
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return Set((json?["ratings"] as? [[String: Any]] ?? []).compactMap { $0["transactionId"] as? String })
    }
}
