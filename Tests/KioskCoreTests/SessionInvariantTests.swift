import KioskCore
import KioskTesting
import Testing

/// Random event sequences (seeded, so a failure replays): whatever a citizen, the devices and
/// the hub do, the machine never shows personal data outside a session, never journals a
/// resident ID, and always answers the requests it is waiting for in order.
@Suite struct SessionInvariantTests {
    static func randomEvent(_ h: SessionHarness, _ rng: inout SplitMix64) -> SessionEvent {
        let id = h.lastRequest() ?? RequestID(rawValue: "none")
        let keys: [Key] = [.enter, .back, .up, .down] + (0...9).map { .digit($0) }
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: return .card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B]))
        case 1: return .card(.cardRemoved(reader: SessionHarness.reader))
        case 2: return .cardRead(id, SessionFixtures.card, Bool.random(using: &rng) ? SessionFixtures.subject() : nil)
        case 3: return .certificate(id, SessionFixtures.certificate)
        case 4: return .contributions(id, SessionFixtures.contributions)
        case 5: return .printFinished(id, SessionFixtures.job(1, Bool.random(using: &rng) ? .completed : .aborted))
        case 6: return .pinResult(id, [.verified, .wrong(triesLeft: 1), .blocked].randomElement(using: &rng)!)
        case 7: return .actionFailed(id, .kiosk(KioskError(.hubUnavailable, "down")))
        case 8:
            return .printerStatus(
                .certificate, SessionFixtures.printer(.certificate, PrinterCondition.allCases.randomElement(using: &rng)!))
        case 9: return .hubStatus([.up, .degraded, .down].randomElement(using: &rng)!)
        case 10:
            return .faceOutcome(
                id,
                FaceVerificationOutcome(decision: "passed", reasonCode: nil, nextDueBy: "2027-11-30", receiptNo: nil, attemptsLeftToday: 1))
        case 11: return .pensionPayments(id, SessionFixtures.pensionPayments)
        case 12: return .maintenance(Bool.random(using: &rng))
        default: return .key(keys.randomElement(using: &rng)!)
        }
    }

    @Test(arguments: 1...40)
    func randomSessionsKeepTheInvariants(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var h = SessionHarness()
        for _ in 0..<150 {
            if Int.random(in: 0..<6, using: &rng) == 0 {
                h.advance(Int.random(in: 1...40, using: &rng))
            } else {
                h.send(Self.randomEvent(h, &rng))
            }
            let shown = "\(h.screen)"
            #expect(!shown.contains(SessionFixtures.fullName) && !shown.contains(SessionFixtures.ssn) && !shown.contains("X00000019"))
            if !h.machine.holdsPersonalData {
                #expect(!shown.contains("张") && !shown.contains("sub-7f3a"), "seed \(seed): personal data outside a session: \(shown)")
                #expect(h.screen.countdown == nil && h.screen.continuePrompt == nil)
            }
        }
        for entry in h.journal { #expect(entry.problem() == nil, "seed \(seed): \(entry)") }
        // Every session that started also ended, or is the one still open.
        let starts = h.journal.filter { $0.kind == .sessionStart }.count
        let ends = h.journal.filter { $0.kind == .sessionEnd }.count
        #expect(starts - ends == (h.machine.holdsPersonalData ? 1 : 0), "seed \(seed)")
    }
}
