import KioskCore
import Testing

@testable import KioskDaemon

/// kioskd prunes by its own configuration: retention on by default (180 days), off with 0.
@Suite struct OutboxPolicyTests {
    @Test func retentionFollowsJournalRetentionDays() {
        var configuration = KioskConfiguration()
        #expect(KioskApp.outboxPolicy(configuration).retention == .seconds(180 * 86400))
        configuration.journal.retentionDays = 30
        #expect(KioskApp.outboxPolicy(configuration).retention == .seconds(30 * 86400))
        configuration.journal.retentionDays = 0
        #expect(KioskApp.outboxPolicy(configuration).retention == nil)
    }
}
