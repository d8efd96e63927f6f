import KioskConsole
import KioskCore

/// Speaks each screen's prompt once: the screen is redrawn every second (the clock, the
/// countdown), and a prompt is said again only when it changes, in words or in loudness.
actor VoiceDirector {
    let voice: any VoiceOutput
    let kioskLocale: String
    private var last: (text: String, loudness: VoiceLoudness)?

    init(voice: any VoiceOutput, kioskLocale: String) {
        self.voice = voice
        self.kioskLocale = kioskLocale
    }

    func show(_ screen: Screen, texts: LocaleTexts) async {
        guard let prompt = VoicePrompts.prompt(for: screen) else {
            if last != nil { await voice.silence() }
            last = nil
            return
        }
        let text = texts(prompt.key)
        if let last, last.text == text, last.loudness == prompt.loudness { return }
        last = (text, prompt.loudness)
        await voice.say(text, locale: screen.locale ?? kioskLocale, loudness: prompt.loudness)
    }
}
