import Foundation
import KioskCore
import KioskTesting
import Testing

/// The electronic social security card (电子社保卡): a scanned code starts a session without a
/// card; the menu offers what the catalog allows it; failures are said plainly and journalled;
/// the session ends without a take-card step.
@Suite struct SessionESSCTests {
    static let token = "ESSC1.3f9c2a7be1d04c5f.a1b2c3d4"

    /// A code scanned at the attract screen; returns the resolve request.
    static func scan(_ h: inout SessionHarness, _ text: String = token) -> RequestID? {
        for case .resolveESSC(let id, let sent) in h.send(.scan(.code(text))) where sent == text { return id }
        return nil
    }

    /// Scanned and resolved: the menu of an electronic card's session.
    static func atMenu(_ h: inout SessionHarness, subject: HubSubject = SessionFixtures.subject()) throws {
        let id = try #require(scan(&h))
        h.send(.esscResolved(id, subject))
    }

    static func menu(_ h: SessionHarness) -> MenuView? {
        if case .menu(let v) = h.content { return v }
        return nil
    }

    @Test func aScannedCodeOpensTheMenuTheCatalogAllowsWithoutAPIN() throws {
        var h = SessionHarness()
        h.send(.scan(.connected))
        #expect(h.screen.status.scannerPresent == true, "the attract screen offers the scanner")
        let id = try #require(Self.scan(&h))
        #expect(h.content == .resolvingCode)
        #expect(h.journal.last?.kind == .sessionStart && h.journal.last?.payload["credential"] == .string("essc"))
        h.send(.esscResolved(id, SessionFixtures.subject()))
        let menu = try #require(Self.menu(h))
        #expect(menu.holder == "张**")
        let availability = Dictionary(uniqueKeysWithValues: menu.items.map { ($0.service, $0.availability) })
        #expect(availability[.participationCertificate] == .available)
        #expect(availability[.contributionHistory] == .available)
        #expect(availability[.pensionQualification] == .available)
        #expect(availability[.pensionPayments] == .unavailable(.needsCard), "it needs the card's PIN")
        #expect(availability[.cardStatus] == .unavailable(.needsCard), "the chip's own state")
        let read = try #require(h.journal.last)
        #expect(read.kind == .cardRead && read.payload["credential"] == .string("essc") && read.payload["outcome"] == .string("read"))
        #expect(read.display["name"] == "张**")
        // A service it cannot have does nothing: no PIN screen without a card.
        h.press(.digit(3))
        #expect(Self.menu(h) != nil)
    }

    @Test func backEndsTheSessionAtTheAttractScreenWithNoCardToTake() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        h.press(.back)
        #expect(h.content == .attract(guides: true))
        #expect(!h.machine.holdsPersonalData)
        #expect(h.journal.last?.kind == .sessionEnd)
        #expect(!h.log.contains { if case .alert = $0 { true } else { false } }, "no card reminder")
    }

    @Test func aCertificateIsPrintedAndRatedLikeACardSession() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        h.press(.digit(1))
        h.send(.certificate(try #require(h.lastRequest()), SessionFixtures.certificate))
        h.press(.enter)
        h.send(.printFinished(try #require(h.lastPrint).id, SessionFixtures.job(1, .completed)))
        h.send(.printFinished(try #require(h.lastPrint).id, SessionFixtures.job(2, .completed)))
        #expect(h.content == .rating(.participationCertificate))
        h.press(.digit(5))
        #expect(h.log.contains { if case .recordRating(let r) = $0 { r.score == 5 } else { false } })
        #expect(h.content == .attract(guides: true), "straight back: nothing to take")
    }

    @Test func aCitizenWhoWalksAwayIsTimedOutToTheAttractScreen() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        h.advance(Int(SessionTimeouts().idleSeconds + SessionTimeouts().promptSeconds) + 2)
        #expect(h.content == .attract(guides: true))
        #expect(!h.machine.holdsPersonalData)
    }

    @Test(arguments: [
        (
            SessionFailure.hub(HubProblem(status: 410, code: "essc-expired", title: "", retryable: false, requestId: nil)),
            CodeProblem.expired
        ),
        (.hub(HubProblem(status: 404, code: "essc-invalid", title: "", retryable: false, requestId: nil)), .invalid),
        (.hub(HubProblem(status: 500, code: "internal-error", title: "", retryable: true, requestId: nil)), .hubUnavailable),
        (.kiosk(KioskError(.hubUnavailable, "down")), .hubUnavailable),
        (.hub(HubProblem(status: 403, code: "kiosk-not-allowed", title: "", retryable: false, requestId: nil)), .refused),
    ])
    func aRefusedCodeIsSaidPlainlyThenTheAttractScreenReturns(failure: SessionFailure, problem: CodeProblem) throws {
        var h = SessionHarness()
        let id = try #require(Self.scan(&h))
        h.send(.actionFailed(id, failure))
        #expect(h.content == .codeRefused(problem))
        #expect(!h.machine.holdsPersonalData)
        let failed = try #require(h.journal.first { $0.kind == .cardRead })
        #expect(failed.payload["outcome"] == .string("failed") && failed.payload["error"] == .string(failure.code))
        #expect(h.journal.last?.kind == .sessionEnd && h.journal.last?.payload["reason"] == .string("essc-\(problem.rawValue)"))
        h.advance(Int(SessionTimeouts().noticeSeconds))
        #expect(h.content == .attract(guides: true))
        // The citizen can scan again at once from the notice (a refreshed code).
        let again = try #require(Self.scan(&h))
        h.send(.actionFailed(again, failure))
        #expect(Self.scan(&h) != nil)
    }

    @Test func aHubThatNeverAnswersDoesNotHoldTheScreen() throws {
        var h = SessionHarness()
        _ = try #require(Self.scan(&h))
        h.advance(Int(SessionMachine.readDeadlineSeconds))
        #expect(h.content == .codeRefused(.hubUnavailable))
        #expect(!h.machine.holdsPersonalData)
    }

    @Test func bytesThatAreNoCodeNeverReachTheHubAndNoiseIsJournalledOnce() throws {
        var h = SessionHarness()
        for text in ["", "\u{1}\u{2}", "电子社保卡", String(repeating: "A", count: ScanEvent.maximumTokenLength + 1)] {
            #expect(Self.scan(&h, text) == nil, "\(text.prefix(10))")
        }
        #expect(h.content == .codeRefused(.unreadable))
        h.send(.scan(.unreadable(bytes: 9)))
        let unreadable = h.journal.filter { $0.payload["outcome"] == .string("unreadable") }
        #expect(unreadable.count == 1, "a scanner sending noise is one record while its notice is up")
        #expect(h.journal.allSatisfy { $0.kind == .cardRead && $0.sessionId == nil })
        h.advance(Int(SessionTimeouts().noticeSeconds))
        #expect(h.content == .attract(guides: true))
    }

    @Test func aCodeScannedWhileSomeoneIsServedIsNotTakenAndTheyAreTold() throws {
        var h = SessionHarness()
        h.startAtMenu()
        #expect(Self.scan(&h) == nil)
        #expect(h.screen.notice == "scan.busy")
        #expect(Self.menu(h)?.holder == "张**", "the card's citizen keeps the kiosk")
        #expect(h.journal.last?.payload["outcome"] == .string("ignored-busy"))
        h.advance(Int(SessionTimeouts().noticeSeconds))
        #expect(h.screen.notice == nil)
        // And during an electronic card's own session.
        var e = SessionHarness()
        try Self.atMenu(&e)
        #expect(Self.scan(&e) == nil && e.screen.notice == "scan.busy")
    }

    @Test func aCardPutInBetweenStepsTakesOverTheElectronicCardsSession() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        let readCard = h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B, 0x6D])))
        #expect(readCard.contains { if case .readCard = $0 { true } else { false } })
        #expect(h.journal.contains { $0.kind == .sessionEnd && $0.payload["reason"] == .string("card-inserted") })
        #expect(h.content == .reading)
    }

    @Test func aCardPutInDuringAStepIsReadWhenTheElectronicCardsSessionEnds() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        h.press(.digit(2))
        let contributions = try #require(h.lastRequest())
        let during = h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B, 0x6D])))
        #expect(!during.contains { if case .readCard = $0 { true } else { false } }, "the step finishes first")
        h.send(.contributions(contributions, SessionFixtures.contributions))
        h.press(.enter)
        let after = h.press(.digit(4))
        #expect(after.contains { if case .readCard = $0 { true } else { false } }, "read as soon as the rating is given")
        // A card taken out again before that was never part of the electronic card's session.
        var t = SessionHarness()
        try Self.atMenu(&t)
        t.press(.digit(2))
        t.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B])))
        t.removeCard()
        #expect(t.machine.holdsPersonalData && t.content == .loading(.contributionHistory))
    }

    @Test func aCardPutInWhileTheCodeIsCheckedIsReadWhenTheHubRefusesTheCode() throws {
        var h = SessionHarness()
        let id = try #require(Self.scan(&h))
        #expect(!h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B]))).contains { $0.isReadCard })
        let after = h.send(
            .actionFailed(id, .hub(HubProblem(status: 410, code: "essc-expired", title: "", retryable: false, requestId: nil))))
        #expect(after.contains { $0.isReadCard }, "the card is read at once")
        #expect(h.content == .reading && h.machine.isIdle == false)
    }

    @Test func aCardPutInWhileTheCodeIsCheckedTakesOverOnceTheMenuIsUp() throws {
        var h = SessionHarness()
        let id = try #require(Self.scan(&h))
        h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B])))
        let after = h.send(.esscResolved(id, SessionFixtures.subject()))
        #expect(after.contains { $0.isReadCard })
        #expect(h.journal.contains { $0.kind == .sessionEnd && $0.payload["reason"] == .string("card-inserted") })
    }

    @Test func outOfServiceTheElectronicCardsCitizenFinishesAndTheCardIsHandedBack() throws {
        var h = SessionHarness()
        try Self.atMenu(&h)
        h.send(.maintenance(true))
        h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B])))
        #expect(Self.menu(h) != nil && h.machine.holdsPersonalData, "the citizen being served keeps the kiosk")
        h.press(.back)
        guard case .takeCard(let view) = h.content else {
            Issue.record("the card handed back: \(h.content)")
            return
        }
        #expect(view.reason == .maintenance && !h.log.contains { $0.isReadCard })
        h.removeCard()
        #expect(h.content == .outOfService)
    }

    @Test func anEnglishCitizensRefusedCodeIsSaidInEnglish() throws {
        var h = SessionHarness(languages: ["en": (receiptTexts: [:], guides: [])])
        h.press(.language)
        let id = try #require(Self.scan(&h))
        h.send(.actionFailed(id, .hub(HubProblem(status: 404, code: "essc-invalid", title: "", retryable: false, requestId: nil))))
        #expect(h.content == .codeRefused(.invalid) && h.screen.locale == "en")
        h.advance(Int(SessionTimeouts().noticeSeconds))
        #expect(h.screen.locale == nil, "the next citizen gets the kiosk's own")
    }

    @Test func noiseIsJournalledOnceAWhileWhateverTheScreen() throws {
        var h = SessionHarness()
        h.send(.maintenance(true))
        for _ in 0..<5 { h.send(.scan(.unreadable(bytes: 3))) }
        #expect(h.journal.filter { $0.payload["outcome"] == .string("unreadable") }.count == 1)
        h.advance(Int(SessionTimeouts().noticeSeconds))
        h.send(.scan(.unreadable(bytes: 3)))
        #expect(h.journal.filter { $0.payload["outcome"] == .string("unreadable") }.count == 2)
    }

    @Test func aScanInAnAssistedSessionNamesTheWorker() throws {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(0), .digit(0), .digit(0))
        for d in "246810" { h.press(.digit(Int(String(d))!)) }
        h.press(.enter)
        h.send(.staffVerified(try #require(h.lastRequest()), StaffAssistant(staffRef: "STAFF-0007", displayName: "王晓燕")))
        _ = Self.scan(&h)
        #expect(h.journal.last?.payload["outcome"] == .string("ignored-busy"))
        #expect(h.journal.last?.payload["staffRef"] == .string("STAFF-0007"))
    }

    @Test func anOlderCitizenWithoutACardGetsTheSlowerPaceFromTheHubsBirthDate() throws {
        var h = SessionHarness()
        try Self.atMenu(&h, subject: HubSubject(subjectRef: "s", displayName: "李*", cardStatus: "active", birthDate: "1950-03-01"))
        #expect(h.machine.pace == 1.5)
        var young = SessionHarness()
        try Self.atMenu(&young, subject: HubSubject(subjectRef: "s", displayName: "李*", cardStatus: "active", birthDate: "1990-03-01"))
        #expect(young.machine.pace == 1)
    }

    @Test func noSessionStartsFromAScanWhileTheKioskIsOutOfService() {
        var h = SessionHarness()
        h.send(.maintenance(true))
        #expect(Self.scan(&h) == nil)
        #expect(!h.machine.holdsPersonalData && h.content == .outOfService)
    }

    @Test func anUnpluggedScannerIsNoLongerOffered() {
        var h = SessionHarness()
        h.send(.scan(.connected))
        h.send(.scan(.disconnected("hang-up")))
        #expect(h.screen.status.scannerPresent == false)
    }

    @Test func theCatalogRefusesAServiceForTheElectronicCardThatAsksForThePIN() {
        #expect(throws: KioskError.self) {
            try ServiceCatalog(services: [ServiceDefinition(id: .pensionPayments, order: 1, needs: [.hub], pinRequired: true, essc: true)])
        }
        let json = #"{"services":[{"id":"card-status","order":1,"needs":["hub"]}]}"#
        #expect((try? ServiceCatalog(jsonData: Data(json.utf8)))?.services.first?.essc == false, "off unless the catalog says so")
    }
}

extension SessionAction {
    var isReadCard: Bool {
        if case .readCard = self { return true }
        return false
    }
}

/// The scanner's bytes to scans: suffixes, pauses, noise.
@Suite struct ScanLineDecoderTests {
    @Test func eachSuffixEndsOneScanAndSplitReadsJoin() {
        var d = ScanLineDecoder()
        #expect(d.feed(Array("AB".utf8)).isEmpty && d.hasPending)
        #expect(d.feed(Array("C\r\nDEF\nGH\r".utf8)) == [.code("ABC"), .code("DEF"), .code("GH")])
        #expect(d.feed(Array("\n\r\n".utf8)).isEmpty, "the LF of a CR LF and blank lines are nothing")
    }

    @Test func aPauseEndsAScanSentWithoutASuffix() {
        var d = ScanLineDecoder()
        _ = d.feed(Array("ESSC1.xyz".utf8))
        #expect(d.flush() == [.code("ESSC1.xyz")])
        #expect(d.flush().isEmpty && !d.hasPending)
    }

    @Test func noiseIsUnreadableAndAFloodDoesNotGrowTheBuffer() {
        var d = ScanLineDecoder()
        #expect(d.feed([0x01, 0xFF, 0x41, 0x0D]) == [.unreadable(bytes: 3)])
        #expect(d.feed(Array("中文\r".utf8)) == [.unreadable(bytes: 6)])
        let flood = [UInt8](repeating: 0x41, count: ScanLineDecoder.maximumLine * 3)
        #expect(d.feed(flood).isEmpty)
        #expect(d.feed([0x0A]) == [.unreadable(bytes: flood.count)])
        #expect(d.feed(Array("OK\n".utf8)) == [.code("OK")], "the next scan reads")
        let long = String(repeating: "B", count: ScanEvent.maximumTokenLength + 1)
        #expect(d.feed(Array((long + "\n").utf8)) == [.unreadable(bytes: long.count)])
    }
}
