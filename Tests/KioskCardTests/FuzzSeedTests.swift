import Foundation
import KioskCard
import KioskCore
import Testing

/// The card fuzz target's seeds (Tests/KioskFuzzTests/Corpus/card) are the answers a scripted
/// card gives to whole reads, each answer one length byte then its bytes: the fuzzer starts
/// from reads that succeed. KIOSK_RECORD_FUZZ_SEEDS=1 writes them; otherwise this checks they
/// still match what the card application asks.
@Suite struct FuzzSeedTests {
    actor Recorder: CardChannel {
        let card: ScriptedCard
        private(set) var answers: [[UInt8]] = []
        init(_ card: ScriptedCard) { self.card = card }
        func transmit(_ command: [UInt8]) async throws -> [UInt8] {
            let answer = try await card.transmit(command)
            answers.append(answer)
            return answer
        }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../KioskFuzzTests/Corpus/card"
    ).standardized

    @Test(arguments: ["gen2", "gen2-t0", "gen3"])
    func cardSeedsAreTheAnswersOfAWholeRead(name: String) async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        if name == "gen2-t0" { await card.configure { $0.t0 = true } }
        if name == "gen3" { await card.configure { $0.generation3Key = Array(0...15) } }
        let recorder = Recorder(card)
        let app = SocialSecurityApplication(
            channel: recorder, authenticator: name == "gen3" ? TestKeyAuthenticator(key: Array(0...15)) : nil)
        _ = try await app.read(atr: [0x3B, 0x6D, 0x00, 0x00, 0x81, 0x86])
        let script = await recorder.answers.flatMap { answer -> [UInt8] in
            precondition(answer.count < 256)
            return [UInt8(answer.count)] + answer
        }
        let file = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["KIOSK_RECORD_FUZZ_SEEDS"] == "1" {
            try Data(script).write(to: file)
        }
        #expect(FileManager.default.contents(atPath: file.path) == Data(script), "re-record with KIOSK_RECORD_FUZZ_SEEDS=1")
    }
}
