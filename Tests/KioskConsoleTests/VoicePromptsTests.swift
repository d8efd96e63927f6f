import KioskConsole
import KioskCore
import KioskTesting
import Testing

/// What the kiosk says aloud: a prompt for every screen, in every language, from the locale's
/// texts only, never a citizen's data; the card-left reminder louder as it escalates.
@Suite struct VoicePromptsTests {
    @Test(arguments: ScreenRendererTests.all)
    func everyScreenHasAPromptInEveryLanguageWithoutPersonalData(name: String) throws {
        let screen = ScreenRendererTests.screen(name)
        let prompt = try #require(VoicePrompts.prompt(for: screen), "\(name) says nothing")
        for texts in [ScreenRendererTests.zh, ScreenRendererTests.en] {
            #expect(texts.has(prompt.key), "\(name): no \(prompt.key) in \(texts.locale)")
            let spoken = texts(prompt.key)
            #expect(!spoken.contains("{"), "a prompt takes no values: \(spoken)")
            // Nothing of the citizen: no name (masked or not), no number of any kind.
            #expect(!spoken.contains("张") && !spoken.contains(SessionFixtures.fullName), "\(spoken)")
            #expect(spoken.firstMatch(of: /[0-9]/) == nil, "\(name): digits spoken: \(spoken)")
        }
    }

    @Test func everyVoiceKeyIsInEveryShippedLocale() {
        for texts in [ScreenRendererTests.zh, ScreenRendererTests.en] {
            for key in VoicePrompts.keys { #expect(texts.has(key), "\(key) missing in \(texts.locale)") }
        }
    }

    /// A print that may be in the tray is not "go to the counter": the citizen would get two.
    @Test func aPrintThatMayHavePrintedSendsTheCitizenToTheTrayFirst() throws {
        var screen = ScreenRendererTests.screen("attract")
        screen.content = .printFailed(PrintFailedView(kind: .certificate, certificateNo: nil, cancelled: false, mayHavePrinted: true))
        #expect(VoicePrompts.prompt(for: screen)?.key == "voice.printUncertain")
        #expect(ScreenRendererTests.zh("voice.printUncertain").contains("出纸口"))
        screen.content = .printFailed(PrintFailedView(kind: .certificate, certificateNo: nil, cancelled: false))
        #expect(VoicePrompts.prompt(for: screen)?.key == "voice.printFailed")
    }

    @Test func theCardLeftReminderGetsLouder() throws {
        let gentle = try #require(VoicePrompts.prompt(for: ScreenRendererTests.screen("take-card")))
        let loud = try #require(VoicePrompts.prompt(for: ScreenRendererTests.screen("take-card-loud")))
        #expect(gentle.loudness < loud.loudness && gentle.key != loud.key)
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.back)
        h.advance(Int(SessionTimeouts().cardLeftSeconds) + 1)
        let staff = try #require(VoicePrompts.prompt(for: h.screen))
        #expect(staff.loudness == .loudest)
    }

    @Test func theContinuePromptAndANoticeAreSpokenOverTheirScreen() throws {
        #expect(VoicePrompts.prompt(for: ScreenRendererTests.screen("prompt"))?.key == "voice.prompt")
        #expect(VoicePrompts.prompt(for: ScreenRendererTests.screen("scan-busy"))?.key == "scan.busy")
    }
}
