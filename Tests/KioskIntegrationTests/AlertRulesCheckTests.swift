import Foundation
import Testing

/// The shipped alert rules edited wrong: `kiosk-config/monitoring/check` (run by scripts/test
/// with Debian's promtool) refuses a broken expression and a rule whose behaviour no longer
/// matches its tests, naming the file, and passes the rules as shipped.
@Suite(.tags(.integration)) struct AlertRulesCheckTests {
    /// A copy of the monitoring folder with `edit` applied to its rules file; the check's output.
    static func check(editingRules edit: (String) -> String) async throws -> Rigs.Output {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-monitoring-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: Rigs.repo.appendingPathComponent("kiosk-config/monitoring"), to: copy)
        let rules = copy.appendingPathComponent("kioskd-alerts.yml")
        let text = try String(contentsOf: rules, encoding: .utf8)
        try edit(text).write(to: rules, atomically: true, encoding: .utf8)
        return try await Rigs.tool("bash", [copy.appendingPathComponent("check").path])
    }

    @Test func theRulesAsShippedPass() async throws {
        let out = try await Self.check { $0 }
        #expect(out.exitCode == 0, "\(out.stderr)")
        #expect(out.stdout.contains("unit tests pass"), "\(out.stdout)")
    }

    @Test func aBrokenExpressionIsRefusedNamingTheFile() async throws {
        let out = try await Self.check {
            $0.replacingOccurrences(of: "kioskd_out_of_service == 1", with: "kioskd_out_of_service === 1")
        }
        #expect(out.exitCode != 0)
        #expect(out.stderr.contains("kioskd-alerts.yml") && out.stderr.contains("check: failed: promtool check rules"), "\(out.stderr)")
    }

    @Test func aRuleThatNoLongerMatchesItsTestsIsRefused() async throws {
        // The paper-out alert waits 5 minutes before it fires; its tests say so.
        let out = try await Self.check { text in
            guard let range = text.range(of: "alert: KioskPrinterFaulted") else { return text }
            let rest = text[range.upperBound...]
            guard let forLine = rest.range(of: "for: 5m") else { return text }
            return text.replacingCharacters(in: forLine, with: "for: 20m")
        }
        #expect(out.exitCode != 0)
        #expect(out.stderr.contains("check: failed: promtool test rules"), "\(out.stderr)")
    }
}
