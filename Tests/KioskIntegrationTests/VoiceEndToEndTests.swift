import Foundation
import Testing

/// The voice through kioskd in tmux: prompts go to an ALSA `file` device (an asoundrc of the
/// test's own, found through HOME), and sox reads what was played: long enough, not silent, and
/// the very prompt of the screen shown (espeak-ng, asked for that text, makes a WAV of the same
/// length). A device that cannot play is a device fault, and the kiosk goes on silently.
@Suite(.tags(.integration)) struct VoiceEndToEndTests {
    /// A HOME whose .asoundrc has the PCM `kiosk`: a WAV file, played into the null device.
    static func alsaHome() throws -> (home: String, wav: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let wav = "\(home)/played.wav"
        try """
        pcm.kiosk {
          type file
          slave.pcm "null"
          file "\(wav)"
          format "wav"
        }
        """.write(toFile: "\(home)/.asoundrc", atomically: true, encoding: .utf8)
        return (home, wav)
    }

    static func voiceYAML(device: String, cache: String) -> String {
        "voice:\n  enabled: true\n  device: \(device)\n  volume: 80\n  cacheDirectory: \(cache)\n"
    }

    /// The length in seconds of what espeak-ng makes of `text` with the kiosk's own settings.
    static func referenceSeconds(_ text: String, voice: String) async throws -> Double {
        let ref = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-voice-ref-\(UUID().uuidString.prefix(8)).wav").path
        defer { try? FileManager.default.removeItem(atPath: ref) }
        _ = try await Rigs.tool("espeak-ng", ["-v", voice, "-a", "80", "-s", "150", "-w", ref, text])
        return try await seconds(ref)
    }

    static func seconds(_ wav: String) async throws -> Double {
        Double(try await Rigs.tool("soxi", ["-D", wav]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// sox's RMS amplitude of the WAV (0 for silence).
    static func loudness(_ wav: String) async throws -> Double {
        let stat = try await Rigs.tool("sox", [wav, "-n", "stat"]).stderr
        let line = stat.split(separator: "\n").first { $0.hasPrefix("RMS     amplitude") } ?? ""
        return Double(line.split(separator: " ").last ?? "") ?? 0
    }

    /// Whether a played WAV is the prompt whose reference is `expected` seconds long: the same,
    /// or longer by less than the ALSA buffer the file device writes whole (a fraction of a second,
    /// while two prompts differ by more).
    static func matches(_ played: Double, _ expected: Double) -> Bool { played > expected - 0.02 && played < expected + 0.3 }

    /// Waits until the played WAV is the prompt whose reference is `seconds` long.
    static func waitForPrompt(_ wav: String, seconds expected: Double) async throws -> Double {
        var played = 0.0
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: wav) { played = try await seconds(wav) }
            if matches(played, expected) { return played }
            try await Task.sleep(for: .milliseconds(200))
        }
        return played
    }

    static func locale(_ name: String) throws -> [String: String] {
        let url = Rigs.repo.appendingPathComponent("kiosk-config/locales/\(name).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    @Test func eachScreensPromptIsSpokenInTheCitizensLanguage() async throws {
        let (home, wav) = try Self.alsaHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let zh = try Self.locale("zh-CN")
        let en = try Self.locale("en")
        try await KioskEndToEnd.run(
            sessionYAML: Self.voiceYAML(device: "kiosk", cache: "\(home)/cache"), environment: ["HOME": home]
        ) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let attract = try await Self.referenceSeconds(try #require(zh["voice.attract"]), voice: "cmn")
            let menuSeconds = try await Self.referenceSeconds(try #require(zh["voice.menu"]), voice: "cmn")
            #expect(attract > 1 && !Self.matches(menuSeconds, attract), "a sentence, and one told apart from the next")
            let playedAttract = try await Self.waitForPrompt(wav, seconds: attract)
            #expect(Self.matches(playedAttract, attract), "the attract screen's prompt: \(playedAttract) s played, \(attract) s expected")
            #expect(try await Self.loudness(wav) > 0.01, "not silent")

            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            let menu = try await Self.referenceSeconds(try #require(zh["voice.menu"]), voice: "cmn")
            #expect(Self.matches(try await Self.waitForPrompt(wav, seconds: menu), menu), "the menu's prompt")
            try await kiosk.press("BSpace")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡")

            // An English session: the same screens, spoken in English.
            try await kiosk.press("#")
            _ = try await kiosk.screen(contains: "Please insert your social security card")
            let english = try await Self.referenceSeconds(try #require(en["voice.attract"]), voice: "en")
            let playedEnglish = try await Self.waitForPrompt(wav, seconds: english)
            #expect(Self.matches(playedEnglish, english), "the English prompt: \(playedEnglish) s played, \(english) s expected")

            // Nothing personal in the cache: each file is a prompt of the locales.
            let cached = try FileManager.default.contentsOfDirectory(atPath: "\(home)/cache")
            #expect(cached.count >= 3 && cached.allSatisfy { $0.hasSuffix(".wav") }, "\(cached)")
        }
    }

    @Test func aSpeakerThatCannotPlayIsAFaultAndTheKioskGoesOnSilently() async throws {
        let (home, _) = try Self.alsaHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await KioskEndToEnd.run(
            sessionYAML: Self.voiceYAML(device: "no-such-speaker", cache: "\(home)/cache"), environment: ["HOME": home]
        ) { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            await card.remove()
            var fault: [String: Any]?
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, fault == nil {
                fault = try await kiosk.journalRecords().compactMap { $0["payload"] as? [String: Any] }.first {
                    $0["device"] as? String == "audio" && $0["phase"] as? String == "began"
                }
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(fault?["reasons"] as? String == "unavailable", "\(String(describing: fault))")
        }
    }
}
