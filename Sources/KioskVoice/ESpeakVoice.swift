import Crypto
import Foundation
import KioskCore
import Logging
import Subprocess
import SystemPackage

/// The kiosk's voice: espeak-ng synthesizes each prompt once into a WAV in the cache, aplay
/// plays it on the ALSA device. Both run as child processes, so neither a synthesizer nor an
/// audio library ever lives in kioskd. A new prompt cuts off the one being spoken (its aplay is
/// stopped). A device that cannot play is reported through `onHealth` and the kiosk goes on
/// silently; the next prompt tries again, so a speaker plugged back in is heard at once.
public actor ESpeakVoice: VoiceOutput {
    let settings: KioskConfiguration.Voice
    let onHealth: @Sendable (_ ok: Bool, _ reason: String) async -> Void
    let logger: Logger
    private var speaking: Task<Void, Never>?
    /// Words per minute: slower than espeak-ng's 175, for citizens who listen slowly.
    static let wordsPerMinute = 150

    public init(
        settings: KioskConfiguration.Voice, logger: Logger,
        onHealth: @escaping @Sendable (_ ok: Bool, _ reason: String) async -> Void = { _, _ in }
    ) {
        self.settings = settings
        self.logger = logger
        self.onHealth = onHealth
    }

    public func say(_ text: String, locale: String, loudness: VoiceLoudness) async {
        speaking?.cancel()
        let previous = speaking
        let settings = settings
        let logger = logger
        let onHealth = onHealth
        speaking = Task {
            // One aplay at a time: the cut-off one is gone before the next opens the device.
            await previous?.value
            guard !Task.isCancelled else { return }
            do {
                // Synthesis is not cut off with the prompt (an unstructured task is not cancelled
                // with this one): the WAV is finished and cached for the next time it is needed.
                let wav = try await Task {
                    try await Self.synthesized(
                        text, voice: Self.voice(for: locale), amplitude: Self.amplitude(settings.volume, loudness),
                        cache: settings.cacheDirectory)
                }.value
                guard !Task.isCancelled else { return }
                try await Self.play(wav, device: settings.device)
                await onHealth(true, "")
            } catch {
                // Cut off by the next prompt: aplay was stopped on purpose, the device is not at fault.
                if Task.isCancelled { return }
                let failure = error as? VoiceFailure ?? VoiceFailure(reason: "unavailable", detail: "\(error)")
                // The prompt's words are not logged: the text is the locale's, but the log need not say it.
                logger.warning("the voice is silent", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.detail)"])
                await onHealth(false, failure.reason)
            }
        }
    }

    public func silence() async {
        speaking?.cancel()
        speaking = nil
    }

    /// For `kioskctl diag`: the synthesizer is there, and the device plays (a tenth of a second
    /// of silence, which nobody in the hall hears). nil when both are well, else what is wrong.
    public static func check(device: String) async -> (reason: String, detail: String)? {
        do {
            let run = try await Subprocess.run(.name("espeak-ng"), arguments: ["--version"], output: .discarded, error: .discarded)
            guard case .exited(0) = run.terminationStatus else { return ("no-synthesizer", "espeak-ng --version failed") }
        } catch {
            return ("no-synthesizer", "espeak-ng is not installed (apt-get install espeak-ng)")
        }
        let silence = FileManager.default.temporaryDirectory.appendingPathComponent("kioskd-voice-check-\(UUID().uuidString.prefix(8)).wav")
        defer { try? FileManager.default.removeItem(at: silence) }
        do {
            try Self.silentWAV(milliseconds: 100).write(to: silence)
            try await play(silence.path, device: device)
            return nil
        } catch let failure as VoiceFailure {
            let lines = failure.detail.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            return (failure.reason, lines.joined(separator: "; "))
        } catch {
            return ("unavailable", "\(error)")
        }
    }

    /// A WAV of silence: 16-bit mono at 8 kHz.
    static func silentWAV(milliseconds: Int) -> Data {
        let samples = 8 * milliseconds
        var data = Data()
        func le<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8))
        le(UInt32(36 + samples * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        le(UInt32(16)); le(UInt16(1)); le(UInt16(1)); le(UInt32(8000)); le(UInt32(16000)); le(UInt16(2)); le(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        le(UInt32(samples * 2))
        data.append(Data(count: samples * 2))
        return data
    }

    /// espeak-ng's voice for a locale: Mandarin for Chinese, else the locale's language.
    static func voice(for locale: String) -> String {
        let language = locale.split(separator: "-").first.map(String.init)?.lowercased() ?? locale
        return language == "zh" ? "cmn" : language
    }

    /// espeak-ng's amplitude (0–200, 100 its own default) for the site's volume (0–100) and
    /// the prompt's loudness: a reminder nobody heeded goes louder, up to the most there is.
    static func amplitude(_ volume: Int, _ loudness: VoiceLoudness) -> Int {
        let base = max(0, min(100, volume))
        switch loudness {
        case .normal: return base
        case .raised: return min(200, base * 3 / 2 + 10)
        case .loudest: return 200
        }
    }

    /// The WAV of `text`, made once: the cache is keyed by everything that changes the sound.
    static func synthesized(_ text: String, voice: String, amplitude: Int, cache: String) async throws -> String {
        let key = SHA256.hash(data: Data("\(voice)|\(amplitude)|\(wordsPerMinute)|\(text)".utf8)).map { String(format: "%02x", $0) }
            .joined()
        let path = "\(cache)/\(key).wav"
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        } catch {
            throw VoiceFailure(reason: "cache-unwritable", detail: "\(cache): \(error)")
        }
        let partial = "\(path).\(UUID().uuidString.prefix(8)).part"
        let status: TerminationStatus
        let said: String
        do {
            let run = try await Subprocess.run(
                .name("espeak-ng"),
                arguments: ["-v", voice, "-a", "\(amplitude)", "-s", "\(wordsPerMinute)", "-w", partial, text],
                output: .discarded, error: .string(limit: 4096))
            (status, said) = (run.terminationStatus, run.standardError)
        } catch {
            throw VoiceFailure(reason: "no-synthesizer", detail: "espeak-ng could not be run: \(error)")
        }
        guard case .exited(0) = status else {
            try? FileManager.default.removeItem(atPath: partial)
            throw VoiceFailure(reason: "no-synthesizer", detail: "espeak-ng: \(said)")
        }
        // Whole or not at all: a kiosk cut off mid-write never plays half a prompt later.
        guard rename(partial, path) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw VoiceFailure(reason: "cache-unwritable", detail: "\(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Plays a WAV to the end; a cancelled task stops aplay.
    static func play(_ wav: String, device: String) async throws {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .milliseconds(200))]
        let status: TerminationStatus
        let said: String
        do {
            let run = try await Subprocess.run(
                .name("aplay"), arguments: ["-q", "-D", device, wav], platformOptions: options, output: .discarded,
                error: .string(limit: 4096))
            (status, said) = (run.terminationStatus, run.standardError)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw VoiceFailure(reason: "no-player", detail: "aplay could not be run: \(error)")
        }
        try Task.checkCancellation()
        guard case .exited(0) = status else {
            throw VoiceFailure(reason: "unavailable", detail: "aplay -D \(device): \(said)")
        }
    }
}

/// Why the voice is silent, as the audio device's fault reason and a detail for the log.
struct VoiceFailure: Error {
    var reason: String
    var detail: String
}
