import KioskCore
import KioskVoice

extension KioskDiagnostics {
    /// The voice (`voice.enabled`): espeak-ng there, and the ALSA device playing a tenth of a
    /// second of silence. Absent from the list when the voice is off.
    static func voiceCheck(_ voice: KioskConfiguration.Voice) async -> DiagnosticResult? {
        guard voice.enabled else { return nil }
        let check = "voice"
        guard let problem = await ESpeakVoice.check(device: voice.device) else {
            return .ok(check, "espeak-ng there; ALSA device \(voice.device) plays")
        }
        let action =
            switch problem.reason {
            case "no-synthesizer": "install espeak-ng (the package recommends it)"
            case "no-player": "install alsa-utils (aplay)"
            default: "check the speaker, its cable and voice.device (aplay -L lists the devices; aplay -D \(voice.device) plays a WAV)"
            }
        return DiagnosticResult(
            check: check, verdict: .fail, actor: .technician, detail: "\(problem.reason): \(problem.detail)", action: action,
            actionZh: "请技术人员检查语音播报（扬声器）")
    }
}
