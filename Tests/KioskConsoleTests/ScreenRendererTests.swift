import Foundation
import KioskConsole
import KioskCore
import KioskTesting
import Testing

/// Every citizen screen, reached through the session engine, rendered at kiosk sizes.
@Suite struct ScreenRendererTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../kiosk-config")
        .standardized
    static let zh = try! LocaleTexts.load(directory: config.appendingPathComponent("locales"), locale: "zh-CN")
    static let en = try! LocaleTexts.load(directory: config.appendingPathComponent("locales"), locale: "en")

    /// Text from the hub (an employer's name) carrying escape sequences, BEL, a C1 CSI and a line
    /// break: none reaches the terminal, and every line keeps its exact width.
    @Test func controlCharactersFromTheHubNeverReachTheTerminal() throws {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(1))
        var certificate = SessionFixtures.certificate
        let hostile = "示范公司\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}6n\r\n\u{7F}"
        certificate.employers = certificate.employers.map {
            var e = $0; e.employer = hostile; return e
        }
        h.send(.certificate(h.lastRequest()!, certificate))
        for (columns, rows) in [(80, 24), (100, 30)] {
            let lines = ScreenRenderer().render(h.screen, texts: Self.zh, columns: columns, rows: rows)
            let text = lines.joined(separator: "|")
            #expect(text.contains("示范公司]0;pwned[2J6n"), "the employer line is drawn, without its controls:\n\(text)")
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(text.debugDescription)")
            #expect(lines.allSatisfy { DisplayWidth.of($0) == columns })
        }
    }

    /// Every failure a citizen can meet, in both languages and at both sizes, in plain words: no
    /// machine code (it is in the journal for the technician), no English word on a Chinese screen;
    /// and a card without a holder's name is greeted without one ("，您好！").
    @Test func everyFailureSaysItInPlainWords() throws {
        let hubCodes = ["internal-error", "subject-not-found", "made-up-code", "rate-limited", "bad-request"]
        var failures: [SessionFailure] = hubCodes.map {
            .hub(HubProblem(status: 500, code: $0, title: "Internal Server Error", retryable: true, requestId: "req-7f3a"))
        }
        failures += KioskError.Code.allCases.map { .kiosk(KioskError($0, "a detail for the log")) }
        var screens: [(Screen, [String])] = []
        for failure in failures {
            var h = SessionHarness()
            h.startAtMenu()
            h.press(.digit(2))
            h.send(.actionFailed(h.lastRequest()!, failure))
            screens.append((h.screen, [failure.code, "req-7f3a", "a detail", "Internal Server Error"]))
        }
        let status = screens[0].0.status
        let reasons = ["face-mismatch", "liveness-failed", "daily-attempt-limit", "a-reason-no-kiosk-knows"]
        for reason in reasons {
            screens.append((Screen(content: .serviceFailed(.pensionQualification, .faceFailed(reason)), status: status), [reason]))
        }
        screens.append((Screen(content: .menu(MenuView(holder: "", items: [])), status: status), []))
        // The electronic card's code refused by the hub, for every reason, and the scans the kiosk could not take.
        for failure in failures
            + ["essc-invalid", "essc-expired"].map({
                SessionFailure.hub(HubProblem(status: 404, code: $0, title: "Gone", retryable: false, requestId: "req-7f3a"))
            })
        {
            var h = SessionHarness()
            h.send(.scan(.code("ESSC1.abc")))
            h.send(.actionFailed(h.lastRequest()!, failure))
            screens.append((h.screen, [failure.code, "req-7f3a", "a detail", "Internal Server Error"]))
        }
        screens.append((Self.screen("scan-unreadable"), []))
        for (screen, codes) in screens {
            for (texts, chinese) in [(Self.zh, true), (Self.en, false)] {
                for (columns, rows) in [(80, 24), (40, 12)] {
                    // The status line carries the kiosk's id, which is not for the citizen to act on.
                    let body = ScreenRenderer().render(screen, texts: texts, columns: columns, rows: rows).dropLast().joined(
                        separator: "\n")
                    // On an English screen a code that is a plain word ("printer", "timeout") may stand as that word.
                    for code in codes where !code.isEmpty && (chinese || code.contains { !$0.isLowercase }) {
                        #expect(!body.contains(code), "'\(code)' on the screen:\n\(body)")
                    }
                    if chinese { #expect(body.firstMatch(of: /[A-Za-z]{2,}/) == nil, "an English word on a Chinese screen:\n\(body)") }
                    #expect(!body.contains("，您好") && !body.contains(" Hello .") && !body.contains("Hello ."), "\(body)")
                }
            }
        }
    }

    /// The main screens by name, each reached the way a citizen reaches it.
    static func screen(_ name: String) -> Screen {
        var h = SessionHarness()
        switch name {
        case "attract": break
        case "menu":
            h.send(.printerStatus(.certificate, SessionFixtures.printer(.certificate, .paperOut)))
            h.startAtMenu()
        case "certificate-preview", "printing", "printing-held", "rating", "take-card", "take-card-loud":
            h.startAtMenu()
            h.press(.digit(1))
            h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
            guard name != "certificate-preview" else { break }
            h.press(.enter)
            let job = h.lastPrint!
            let printer = SessionFixtures.printer(.certificate, name == "printing-held" ? .paperOut : .ready)
            h.send(.printProgress(job.id, PrintJobProgress(job: SessionFixtures.job(1, .processing), printer: printer)))
            guard name.hasPrefix("rating") || name.hasPrefix("take-card") else { break }
            h.send(.printFinished(job.id, SessionFixtures.job(1, .completed)))
            h.send(.printFinished(h.lastPrint!.id, SessionFixtures.job(2, .completed)))
            guard name != "rating" else { break }
            h.press(.digit(5))
            if name == "take-card-loud" { h.advance(60) }
        case "pin":
            h.startAtMenu()
            h.press(.digit(3), .digit(1), .digit(2), .digit(3), .digit(4), .digit(5), .digit(6), .enter)
            h.send(.pinResult(h.lastRequest()!, .wrong(triesLeft: 2)))
            h.press(.digit(9), .digit(9))
        case "contributions":
            h.startAtMenu()
            h.press(.digit(2))
            h.send(.contributions(h.lastRequest()!, SessionFixtures.contributions))
        case "pension-payments":
            h.startAtMenu()
            h.press(.digit(3), .digit(1), .digit(1), .digit(1), .digit(1), .digit(1), .digit(1), .enter)
            h.send(.pinResult(h.lastRequest()!, .verified))
            h.press(.digit(1))
            h.send(.pensionPayments(h.lastRequest()!, SessionFixtures.pensionPayments))
        case "face-consent", "face-progress", "face-result":
            h.startAtMenu()
            h.press(.digit(4))
            guard name != "face-consent" else { break }
            h.press(.enter)
            let id = h.lastRequest()!
            h.send(.faceProgress(id, .capturing))
            guard name == "face-result" else { break }
            h.send(
                .faceOutcome(
                    id,
                    FaceVerificationOutcome(
                        decision: "passed", reasonCode: nil, nextDueBy: "2027-11-30", receiptNo: "R-20261122-0042", attemptsLeftToday: 2)))
        case "card-status":
            h.startAtMenu(subject: SessionFixtures.subject(cardStatus: "lost"))
            h.press(.digit(5))
        case "guide":
            h.press(.digit(0), .digit(1), .enter, .enter)
        case "prompt":
            // The fixtures' citizen is 76: their timeouts are ×1.5 (90 s idle, 22.5 s of prompt).
            h.startAtMenu()
            h.advance(93)
        case "card-removed":
            h.startAtMenu()
            h.press(.digit(1))
            h.send(.certificate(h.lastRequest()!, SessionFixtures.certificate))
            h.press(.enter)
            h.removeCard()
        case "service-failed":
            h.startAtMenu()
            h.press(.digit(2))
            h.send(.actionFailed(h.lastRequest()!, .kiosk(KioskError(.hubUnavailable, "down"))))
        case "out-of-service":
            h.send(.maintenance(true))
        case "attract-scanner":
            h.send(.scan(.connected))
        case "essc-resolving", "essc-menu", "essc-expired":
            h.send(.scan(.connected))
            h.send(.scan(.code("ESSC1.abc")))
            if name == "essc-menu" { h.send(.esscResolved(h.lastRequest()!, SessionFixtures.subject())) }
            if name == "essc-expired" {
                h.send(
                    .actionFailed(
                        h.lastRequest()!, .hub(HubProblem(status: 410, code: "essc-expired", title: "", retryable: false, requestId: nil))))
            }
        case "scan-unreadable":
            h.send(.scan(.unreadable(bytes: 12)))
        case "scan-busy":
            h.startAtMenu()
            h.send(.scan(.code("ESSC1.abc")))
        default:
            Issue.record("unknown screen \(name)")
        }
        return h.screen
    }

    static let all = [
        "attract", "menu", "certificate-preview", "printing", "printing-held", "rating", "take-card", "take-card-loud", "pin",
        "contributions",
        "pension-payments", "face-consent", "face-progress", "face-result", "card-status", "guide", "prompt", "card-removed",
        "service-failed",
        "out-of-service", "attract-scanner", "essc-resolving", "essc-menu", "essc-expired", "scan-unreadable", "scan-busy",
    ]

    @Test(arguments: all)
    func everyScreenFillsEverySizeExactly(name: String) {
        let screen = Self.screen(name)
        for (columns, rows) in [(40, 12), (80, 24), (160, 50), (41, 13)] {
            for texts in [Self.zh, Self.en] {
                let lines = ScreenRenderer().render(screen, texts: texts, columns: columns, rows: rows)
                #expect(lines.count == rows, "\(name) \(columns)x\(rows)")
                #expect(lines.allSatisfy { DisplayWidth.of($0) == columns }, "\(name) \(columns)x\(rows) \(texts.locale)")
                #expect(lines.last?.contains("KIOSK-DEMO-0001") == true || lines.last?.contains("秒") == true)
                // No key shows through: every text the screen asked for exists.
                #expect(!lines.joined().contains("service."), "\(name): a missing text key")
            }
        }
    }

    @Test(arguments: all)
    func noPersonalDataBeyondMasks(name: String) {
        let text = ScreenRenderer().render(Self.screen(name), texts: Self.zh, columns: 160, rows: 50).joined()
        #expect(!text.contains(SessionFixtures.fullName) && !text.contains(SessionFixtures.ssn) && !text.contains("X00000019"))
    }

    /// A printer nobody can ask (USB or serial) is shown as unconfirmed, never as ready; the
    /// fault its last job met, as that fault.
    @Test func anUnconfirmedPrinterIsNeverShownAsReady() {
        var h = SessionHarness()
        h.send(.printerStatus(.receipt, PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: [])))
        let zh = ScreenRenderer().render(h.screen, texts: Self.zh, columns: 80, rows: 24).last ?? ""
        #expect(zh.contains("凭条 待确认") && !zh.contains("凭条 正常"), "\(zh)")
        let en = ScreenRenderer().render(h.screen, texts: Self.en, columns: 80, rows: 24).last ?? ""
        #expect(en.contains("unconfirmed"), "\(en)")
        h.send(
            .printerStatus(
                .receipt, PrinterSnapshot(queue: "kiosk-receipt", condition: .unconfirmed, state: "idle", reasons: ["media-empty-error"])))
        let fault = ScreenRenderer().render(h.screen, texts: Self.zh, columns: 80, rows: 24).last ?? ""
        #expect(fault.contains("凭条 缺纸"), "\(fault)")
    }

    @Test func countdownAndPromptAreVisibleAtTheSmallestSize() {
        let menu = ScreenRenderer().render(Self.screen("menu"), texts: Self.zh, columns: 40, rows: 12)
        #expect(menu.last?.contains("剩余 90 秒") == true)
        let prompt = ScreenRenderer().render(Self.screen("prompt"), texts: Self.zh, columns: 40, rows: 12).joined()
        #expect(prompt.contains("继续办理请按确认键") && prompt.contains("20 秒后将结束本次服务"))
    }

    @Test func styledFrameKeepsThePlainTextAndAddsANSIOnly() {
        let frame = ScreenRenderer().frame(Self.screen("attract"), texts: Self.zh, columns: 80, rows: 24)
        #expect(frame.styles.count == frame.lines.count)
        #expect(
            frame.ansiLines.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) } == frame.lines)
    }

    @Test(arguments: all)
    func matchesSnapshot(name: String) throws {
        for (columns, rows) in [(40, 12), (80, 24)] {
            let rendered =
                ScreenRenderer().render(Self.screen(name), texts: Self.zh, columns: columns, rows: rows).joined(separator: "\n") + "\n"
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Snapshots/screen-\(name)-\(columns)x\(rows).txt")
            if ProcessInfo.processInfo.environment["KIOSK_RECORD_SNAPSHOTS"] == "1" {
                try rendered.write(to: url, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(rendered == expected, "\(name) \(columns)x\(rows) differs; if intended, re-record with KIOSK_RECORD_SNAPSHOTS=1")
        }
    }

    /// Every screen in English, as a citizen who pressed the language key sees it (the key's
    /// offer back to Chinese on the attract screen and the menu).
    @Test(arguments: all)
    func matchesEnglishSnapshot(name: String) throws {
        for (columns, rows) in [(40, 12), (80, 24)] {
            let rendered =
                ScreenRenderer().render(Self.screen(name), texts: Self.en, columns: columns, rows: rows, offer: Self.zh("language.offer"))
                .joined(separator: "\n") + "\n"
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Snapshots/en/screen-\(name)-\(columns)x\(rows).txt")
            if ProcessInfo.processInfo.environment["KIOSK_RECORD_SNAPSHOTS"] == "1" {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try rendered.write(to: url, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(rendered == expected, "\(name) \(columns)x\(rows) differs; if intended, re-record with KIOSK_RECORD_SNAPSHOTS=1")
        }
    }

    /// The language key's offer is in the language it offers, on the attract screen and the menu,
    /// and shows even on the smallest screen.
    @Test func theLanguageOfferShowsOnAttractAndMenuAtEverySize() {
        for (columns, rows) in [(40, 12), (80, 24)] {
            for name in ["attract", "menu"] {
                let zh = ScreenRenderer().render(
                    Self.screen(name), texts: Self.zh, columns: columns, rows: rows, offer: Self.en("language.offer"))
                #expect(zh.joined().contains("English: press #"), "\(name) \(columns)x\(rows):\n\(zh.joined(separator: "\n"))")
                let en = ScreenRenderer().render(
                    Self.screen(name), texts: Self.en, columns: columns, rows: rows, offer: Self.zh("language.offer"))
                #expect(en.joined().contains("中文请按 # 键"), "\(name) \(columns)x\(rows):\n\(en.joined(separator: "\n"))")
            }
        }
        let preview = ScreenRenderer().render(
            Self.screen("certificate-preview"), texts: Self.zh, columns: 80, rows: 24, offer: Self.en("language.offer"))
        #expect(!preview.joined().contains("English"), "no switch offered mid-service")
    }
}
