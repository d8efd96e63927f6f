import Foundation
import KioskCore
import Testing

@testable import KioskDiagnostics

/// `kioskctl diag` on the QR scanner's port: absent from the list without a scanner, a failure
/// for the technician when the port is missing, ok when it opens.
@Suite struct ScannerCheckTests {
    static func scanner(_ device: String) -> KioskConfiguration.Scanner {
        var s = KioskConfiguration.Scanner()
        s.device = device
        return s
    }

    @Test func noScannerNoCheck() {
        #expect(KioskDiagnostics.scannerCheck(KioskConfiguration.Scanner()) == nil)
    }

    @Test func aMissingPortIsTheTechniciansToFix() throws {
        let result = try #require(KioskDiagnostics.scannerCheck(Self.scanner("/dev/ttyACM-kiosk-test-missing")))
        #expect(result.verdict == .fail && result.actor == .technician)
        #expect(result.detail.contains("/dev/ttyACM-kiosk-test-missing"))
    }

    @Test func aPortThatOpensIsOkWithItsLineSettings() throws {
        var settings = Self.scanner("/dev/null")
        settings.baud = 115_200
        settings.parity = "even"
        let result = try #require(KioskDiagnostics.scannerCheck(settings))
        #expect(result.verdict == .ok && result.detail.contains("115200 8E1"), "\(result.detail)")
    }
}
