import KioskCore
import KioskTesting
import Testing

/// The language key: this citizen's screens, guides and paper in the language they chose, the
/// kiosk's own again for the next citizen; nothing half-done is switched under them.
@Suite struct SessionLanguageTests {
    static let englishGuides = [
        ServiceGuide(
            id: "participation-certificate", order: 1, title: "Printing a participation certificate", conditions: ["Insured here"],
            materials: ["Your card"], steps: ["Insert", "Press 1", "Print"], timeLimit: "At once", channels: ["Kiosk"]),
        ServiceGuide(
            id: "pension-qualification", order: 2, title: "Pension eligibility check", conditions: ["Retired"], materials: ["Your card"],
            steps: ["Insert", "Face"], timeLimit: "At once", channels: ["Kiosk"]),
    ]

    static func harness() -> SessionHarness {
        SessionHarness(
            receiptTexts: ["service.participation-certificate": "参保证明打印", "outcome.certificate-printed": "已打印"],
            languages: [
                "en": (
                    receiptTexts: [
                        "service.participation-certificate": "Participation certificate", "outcome.certificate-printed": "Printed",
                    ], guides: englishGuides
                )
            ])
    }

    @Test func theKeyOnTheAttractScreenSwitchesScreensAndGuidesAndBack() {
        var h = Self.harness()
        #expect(h.screen.locale == nil && h.screen.nextLocale == "en")
        h.press(.language)
        #expect(h.screen.locale == "en" && h.screen.nextLocale == "zh-CN")
        h.press(.digit(0))
        #expect(h.content == .guideList(["Printing a participation certificate", "Pension eligibility check"]))
        h.press(.language)
        #expect(h.screen.locale == nil)
        #expect(h.content == .guideList(["社会保险参保证明打印", "养老待遇资格认证"]))
    }

    @Test func aCitizensLanguageHoldsThroughTheSessionAndPrintsTheirPaper() throws {
        var h = Self.harness()
        h.press(.language)
        h.startAtMenu()
        #expect(h.screen.locale == "en", "chosen before the card, kept after it")
        h.press(.digit(1))
        h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
        h.press(.language)
        #expect(h.screen.locale == "en", "not switched under a preview the citizen is reading")
        h.press(.enter)
        let certificate = try #require(h.lastPrint)
        #expect(certificate.locale == "en")
        h.send(.printFinished(certificate.id, SessionFixtures.job(1, .completed)))
        let receipt = try #require(h.lastPrint)
        #expect(receipt.locale == "en")
        guard case .receipt(let content) = receipt.document else {
            Issue.record("the second print is not the receipt: \(receipt)")
            return
        }
        #expect(content.service == "Participation certificate" && content.outcome == "Printed")
    }

    /// The hub is told of the consent text the citizen read: the one in their language.
    @Test func theFaceConsentIsTheTextInTheCitizensLanguage() {
        var h = Self.harness()
        h.startAtMenu()
        h.press(.language)
        h.press(.digit(4))
        h.press(.enter)
        guard case .startFaceVerification(_, _, let consent)? = h.log.last else {
            Issue.record("no face verification: \(String(describing: h.log.last))")
            return
        }
        #expect(consent.locale == "en" && consent.consentTextKey == "face.consent.text")
    }

    @Test func theNextCitizenGetsTheKiosksLanguage() {
        var h = Self.harness()
        h.startAtMenu()
        h.press(.language)
        #expect(h.screen.locale == "en")
        h.press(.back)
        h.removeCard()
        h.advance(10)
        #expect(h.screen.locale == nil, "the session ended: the kiosk's own language")
        h.press(.language)
        #expect(h.screen.locale == "en")
        h.advance(3600)
        #expect(h.screen.locale == nil, "chosen at the attract screen by someone who left")
    }

    /// A session that times out still asks for the card in the citizen's language.
    @Test func theTakeCardScreensStayInTheCitizensLanguage() {
        var h = Self.harness()
        h.startAtMenu()
        h.press(.language)
        h.advance(600)
        guard case .takeCard = h.content else {
            Issue.record("timed out to the take-card screen: \(h.content)")
            return
        }
        #expect(h.screen.locale == "en")
        h.removeCard()
        h.advance(10)
        #expect(h.screen.locale == nil)
    }

    @Test func aKioskWithOneLanguageOffersNone() {
        var h = SessionHarness()
        #expect(h.screen.nextLocale == nil)
        h.press(.language)
        #expect(h.screen.locale == nil)
    }
}
