import KioskCard
import KioskCore
import Testing

/// PIN VERIFY through the library against the rigs' pcscd. The in-process client can only talk
/// to the default pcscd, so these tests own the rigs' second reader ("Virtual PCD 00 01") and
/// run one after the other.
@Suite(.tags(.integration), .serialized) struct CardPINIntegrationTests {
    let reader = "Virtual PCD 00 01"

    func withCard(_ profile: String, _ body: (SocialSecurityApplication) async throws -> Void) async throws {
        let card = try VirtualCard(profile: profile, port: 35964)
        defer { card.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await !PCSCReaderDirectory().readers().contains(where: { $0.name == reader && $0.cardPresent }) {
            guard ContinuousClock.now < deadline else { throw TmuxError(message: "card did not appear in \(reader)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let connection = try await PCSCCardConnection(reader: reader)
        try await body(SocialSecurityApplication(channel: connection))
        await connection.disconnect()
        await card.remove()
        // Let pcscd see the card go before the next test inserts one.
        while try await PCSCReaderDirectory().readers().contains(where: { $0.name == reader && $0.cardPresent }) {
            try await Task.sleep(for: .milliseconds(50))
        }

    }

    @Test func wrongPINCountsDownAndTheRightOneVerifies() async throws {
        try await withCard("gen2") { app in
            let wrong = try await app.verifyPIN("000000")
            let right = try await app.verifyPIN("123456")
            #expect(wrong == .wrong(triesLeft: 2))
            #expect(right == .verified)
        }
    }

    @Test func aBlockedPINIsBlocked() async throws {
        try await withCard("blocked-pin") { app in
            let outcome = try await app.verifyPIN("123456")
            #expect(outcome == .blocked)
        }
    }
}
