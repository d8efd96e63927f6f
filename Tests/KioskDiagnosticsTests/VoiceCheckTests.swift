import KioskCore
import Testing

@testable import KioskDiagnostics

/// `kioskctl diag` on the voice: absent when it is off, ok on a device that plays (ALSA's
/// built-in null), the technician's to fix on one that does not exist.
@Suite struct VoiceCheckTests {
    static func voice(_ device: String) -> KioskConfiguration.Voice {
        var v = KioskConfiguration.Voice()
        v.enabled = true
        v.device = device
        return v
    }

    @Test func aSilentKioskHasNoVoiceCheck() async {
        #expect(await KioskDiagnostics.voiceCheck(KioskConfiguration.Voice()) == nil)
    }

    @Test func aDeviceThatPlaysIsOk() async throws {
        let result = try #require(await KioskDiagnostics.voiceCheck(Self.voice("null")))
        #expect(result.verdict == .ok, "\(result.detail)")
    }

    @Test func aDeviceThatDoesNotExistIsTheTechniciansToFix() async throws {
        let result = try #require(await KioskDiagnostics.voiceCheck(Self.voice("no-such-speaker")))
        #expect(result.verdict == .fail && result.actor == .technician)
        #expect(result.detail.hasPrefix("unavailable:") && !result.detail.contains("\n"), "\(result.detail)")
    }
}
