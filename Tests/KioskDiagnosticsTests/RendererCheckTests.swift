import Foundation
import Testing

@testable import KioskDiagnostics

/// `kioskctl diag` names a missing kiosk-render: without it nothing prints.
@Suite struct RendererCheckTests {
    @Test func aMissingRendererFailsWithTheInstallAction() {
        let result = KioskDiagnostics.rendererCheck(DiagnosticOptions(renderExecutable: "/nonexistent/kiosk-render"))
        #expect(result.verdict == .fail && result.actor == .technician)
        #expect(result.detail.contains("/nonexistent/kiosk-render") && result.action.contains("install kiosk-render"))
    }

    @Test func theRendererBesideTheProgramIsFound() {
        let result = KioskDiagnostics.rendererCheck(DiagnosticOptions())
        #expect(result.verdict == .ok, "\(result.detail)")
    }
}
