/// The kiosk's voice: a prompt's words spoken through the speaker. The adapter (KioskVoice)
/// synthesizes with espeak-ng and plays with aplay, in child processes. Only texts of the locale
/// reach it, never a citizen's data (VoicePrompts in KioskConsole picks them).
public protocol VoiceOutput: Sendable {
    /// Speaks `text`, cutting off whatever was being said; returns at once.
    func say(_ text: String, locale: String, loudness: VoiceLoudness) async
    /// Stops speaking.
    func silence() async
}

/// How loud a prompt is: the site's volume, or louder for a reminder nobody heeded.
public enum VoiceLoudness: Int, Sendable, Equatable, Comparable {
    case normal = 1
    case raised = 2
    case loudest = 3

    public static func < (a: VoiceLoudness, b: VoiceLoudness) -> Bool { a.rawValue < b.rawValue }
}
