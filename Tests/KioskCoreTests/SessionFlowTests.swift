import Foundation
import KioskCore
import KioskTesting
import Testing

/// The happy path of every service, from the card read to the take-card screen.
@Suite struct SessionFlowTests {
    @Test func attractOffersGuidesAndCardInsertReadsTheCard() {
        var h = SessionHarness()
        #expect(h.content == .attract(guides: true))
        let actions = h.send(.card(.cardInserted(reader: SessionHarness.reader, atr: [0x3B])))
        guard case .readCard(let id, let reader, _)? = actions.last else { Issue.record("no readCard: \(actions)"); return }
        #expect(reader == SessionHarness.reader)
        #expect(h.content == .reading)
        #expect(h.journal.first?.kind == .sessionStart)
        h.send(.cardRead(id, SessionFixtures.card, SessionFixtures.subject()))
        guard case .menu(let menu) = h.content else { Issue.record("not the menu: \(h.content)"); return }
        #expect(menu.holder == "张**")
        #expect(menu.items.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(menu.items.allSatisfy { $0.availability == .available })
        let read = h.journal.first { $0.kind == .cardRead }
        #expect(read?.display["ssn"] == "1101**********002X")
        #expect(read?.subjectRef == "sub-7f3a")
        #expect(read?.problem() == nil)
    }

    /// A hub that breaks the contract and sends the full name: the kiosk masks it anyway, on the
    /// screen, on the receipt and in the journal.
    @Test func aFullNameFromTheHubIsMaskedAnyway() throws {
        var h = SessionHarness()
        let subject = try JSONDecoder().decode(
            HubSubject.self,
            from: Data(#"{"subjectRef":"sub-7f3a","displayName":"\#(SessionFixtures.fullName)","cardStatus":"active"}"#.utf8))
        h.startAtMenu(subject: subject)
        guard case .menu(let menu) = h.content else { Issue.record("not the menu: \(h.content)"); return }
        #expect(menu.holder == "张**")
        #expect(!"\(h.screen)".contains(SessionFixtures.fullName))
        #expect(h.journal.first { $0.kind == .cardRead }?.display["name"] == "张**")
    }

    @Test func certificateNeedsAtMostFourKeyPressesAfterTheCardIsRead() {
        var h = SessionHarness(receiptTexts: ["service.participation-certificate": "参保证明打印", "outcome.certificate-printed": "已打印参保证明"])
        h.startAtMenu()
        var presses = 0
        func press(_ key: Key) {
            presses += 1
            h.press(key)
        }
        press(.digit(1))
        guard case .issueCertificate(let id, let subjectRef, let months, let key)? = h.log.last else {
            Issue.record("\(h.log.last!)"); return
        }
        #expect(subjectRef == "sub-7f3a" && months == 24 && !key.isEmpty)
        #expect(h.content == .loading(.participationCertificate))
        h.send(.certificate(id, SessionFixtures.certificate))
        guard case .certificatePreview(let preview) = h.content else { Issue.record("\(h.content)"); return }
        #expect(preview.holderName == "张**" && preview.withReceipt)
        // The paper is rendered while the citizen reads the preview; Enter prints that very job.
        guard case .prepareDocument(let prepared)? = h.log.last else { Issue.record("\(h.log.last!)"); return }
        press(.enter)
        let certificateJob = h.lastPrint!
        #expect(certificateJob == prepared)
        #expect(certificateJob.kind == .certificate)
        guard case .certificate(let content) = certificateJob.document else { Issue.record("not a certificate"); return }
        #expect(content.certificate.verificationCode == "7KQ2-M9XD")
        #expect(content.printedAt == "2026-11-22 10:30:00")
        h.send(
            .printProgress(
                certificateJob.id,
                PrintJobProgress(job: SessionFixtures.job(7, .processing), printer: SessionFixtures.printer(.certificate, .ready))))
        #expect(
            h.content
                == .printing(
                    PrintingView(kind: .certificate, document: 1, documents: 2, state: .processing, heldBy: nil, cancelling: false)))
        h.send(.printFinished(certificateJob.id, SessionFixtures.job(7, .completed)))
        let receiptJob = h.lastPrint!
        #expect(receiptJob.kind == .receipt && receiptJob.id != certificateJob.id)
        guard case .receipt(let receipt) = receiptJob.document else { Issue.record("not a receipt"); return }
        #expect(receipt.service == "参保证明打印" && receipt.outcome == "已打印参保证明")
        #expect(receipt.holderName == "张**" && receipt.holderSSN == "1101**********002X")
        #expect(receipt.verifyUrl == "https://hub.example/v/7KQ2M9XD")
        h.send(.printFinished(receiptJob.id, SessionFixtures.job(8, .completed)))
        #expect(h.content == .rating(.participationCertificate))
        press(.digit(5))
        guard case .recordRating(let rating)? = h.log.first(where: { if case .recordRating = $0 { true } else { false } }) else {
            Issue.record("no rating"); return
        }
        #expect(rating.score == 5 && rating.service == "participation-certificate" && rating.transactionId == key)
        // The store journals the rating with its outbox row; the machine adds no second record.
        #expect(!h.journal.contains { $0.kind == .rating })
        guard case .takeCard(let take) = h.content else { Issue.record("\(h.content)"); return }
        #expect(take.reason == .finished && take.canContinue)
        #expect(presses <= 4)
        let outcome = h.journal.first { $0.kind == .serviceOutcome }
        #expect(outcome?.payload["outcome"] == .string("printed"))
        #expect(h.journal.filter { $0.kind == .print }.count == 2)
        h.removeCard()
        #expect(h.content == .attract(guides: true))
        #expect(!h.machine.holdsPersonalData)
        #expect(h.journal.last?.kind == .sessionEnd)
    }

    @Test func contributionHistoryPagesAndPrintsAReceipt() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(2))
        guard case .fetchContributions(let id, _, let from, let to)? = h.log.last else { Issue.record("\(h.log.last!)"); return }
        #expect(from == "2024-12" && to == "2026-11")
        h.send(.contributions(id, SessionFixtures.contributions))
        guard case .contributions(let first) = h.content else { Issue.record("\(h.content)"); return }
        #expect(first.page == 0 && first.pageCount == 3 && first.rows.count == 5 && first.rows[0].month == "2026-11")
        h.press(.digit(2))
        guard case .contributions(let second) = h.content else { return }
        #expect(second.page == 1 && second.rows[0].month == "2026-06")
        h.press(.down, .down)
        guard case .contributions(let last) = h.content else { return }
        #expect(last.page == 2 && last.rows.count == 2)
        h.press(.digit(3))
        let job = h.lastPrint!
        #expect(job.kind == .receipt)
        h.send(.printFinished(job.id, SessionFixtures.job(3, .completed)))
        #expect(h.content == .rating(.contributionHistory))
    }

    @Test func pensionPaymentsAskThePINOnceThenAYear() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(3))
        guard case .pinEntry(let pin) = h.content else { Issue.record("\(h.content)"); return }
        #expect(pin.digitsEntered == 0 && pin.maxDigits == 6)
        h.press(.digit(1), .digit(2), .digit(3), .digit(4), .digit(5), .digit(6))
        guard case .pinEntry(let typed) = h.content else { return }
        #expect(typed.digitsEntered == 6)
        #expect(!"\(h.screen)".contains("123456"))
        h.press(.enter)
        guard case .verifyPIN(let id, let value)? = h.log.last else { Issue.record("\(h.log.last!)"); return }
        #expect(value == "123456")
        h.send(.pinResult(id, .verified))
        #expect(h.content == .pensionYearChoice(years: [2026, 2025, 2024]))
        h.press(.digit(2))
        guard case .fetchPensionPayments(let fetch, _, let year)? = h.log.last else { Issue.record("\(h.log.last!)"); return }
        #expect(year == 2025)
        h.send(.pensionPayments(fetch, SessionFixtures.pensionPayments))
        guard case .pensionPayments(let shownYear, let page) = h.content else { Issue.record("\(h.content)"); return }
        #expect(shownYear == 2025 && page.rows.count == 2)
        h.press(.enter)
        h.press(.digit(4))
        guard case .takeCard = h.content else { Issue.record("\(h.content)"); return }
        h.press(.enter)  // another service: no second PIN
        h.press(.digit(3))
        #expect(h.content == .pensionYearChoice(years: [2026, 2025, 2024]))
    }

    @Test func faceVerificationAsksConsentJournalsCaptureAndWipeAndPrintsAReceipt() {
        var h = SessionHarness(receiptTexts: ["outcome.face.passed": "认证通过，下次认证截止 {nextDueBy}"])
        h.startAtMenu()
        h.press(.digit(4))
        #expect(h.content == .faceConsent)
        #expect(!h.log.contains { if case .startFaceVerification = $0 { true } else { false } })
        h.press(.enter)
        guard case .startFaceVerification(let id, let subjectRef, let consent)? = h.log.last else { Issue.record("\(h.log.last!)"); return }
        #expect(subjectRef == "sub-7f3a" && consent.acceptedAt == "2026-11-22T02:30:00Z")
        for stage in [FaceStage.sessionCreated, .capturing, .uploading, .waitingForDecision] { h.send(.faceProgress(id, stage)) }
        #expect(h.content == .faceProgress(.waitingForDecision))
        #expect(h.journal.contains { $0.kind == .faceCapture } && h.journal.contains { $0.kind == .faceWipe })
        let outcome = FaceVerificationOutcome(
            decision: "passed", reasonCode: nil, nextDueBy: "2027-11-30", receiptNo: "R-1", attemptsLeftToday: 2)
        h.send(.faceOutcome(id, outcome))
        #expect(h.content == .faceResult(outcome))
        h.press(.enter)
        guard case .receipt(let receipt) = h.lastPrint?.document else { Issue.record("no receipt"); return }
        #expect(receipt.outcome == "认证通过，下次认证截止 2027-11-30")
        h.send(.printFinished(h.lastPrint!.id, SessionFixtures.job(1, .completed)))
        #expect(h.content == .rating(.pensionQualification))
    }

    @Test func declinedConsentGoesBackToTheMenuWithoutTheCamera() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(4), .back)
        guard case .menu = h.content else { Issue.record("\(h.content)"); return }
        #expect(!h.log.contains { if case .startFaceVerification = $0 { true } else { false } })
    }

    @Test func cardStatusShowsTheHubStatusAndExpiry() {
        var h = SessionHarness()
        h.startAtMenu(subject: SessionFixtures.subject(cardStatus: "lost"))
        guard case .menu(let menu) = h.content else { return }
        #expect(menu.items[0].availability == .unavailable(.cardNotActive("lost")))
        #expect(menu.items[4].availability == .available)
        h.press(.digit(5))
        #expect(
            h.content
                == .cardStatus(
                    CardStatusView(
                        hubStatus: "lost", cardNumberMasked: "X******19", expiry: "2031-03-01", expired: false, expiresSoon: false)))
        h.press(.enter)
        #expect(h.content == .rating(.cardStatus))
    }

    @Test func guidesWithoutACardPageThroughEverySection() {
        var h = SessionHarness()
        h.press(.digit(0))
        #expect(h.content == .guideList(["社会保险参保证明打印", "养老待遇资格认证"]))
        h.press(.digit(1))
        guard case .guide(let g) = h.content else { Issue.record("\(h.content)"); return }
        #expect(g.section == .conditions && g.sectionCount == 5)
        h.press(.enter, .enter, .enter, .enter)
        guard case .guide(let channels) = h.content else { return }
        #expect(channels.section == .channels && channels.items.count == 3)
        h.press(.enter)
        guard case .guideList = h.content else { Issue.record("\(h.content)"); return }
        h.press(.back)
        #expect(h.content == .attract(guides: true))
    }

    @Test func hubFailureShowsTheAlternativeThenAsksForARating() {
        var h = SessionHarness()
        h.startAtMenu()
        h.press(.digit(1))
        let id = h.lastRequest()!
        h.send(.actionFailed(id, .kiosk(KioskError(.hubUnavailable, "connect refused"))))
        #expect(h.content == .serviceFailed(.participationCertificate, .hubUnavailable))
        h.press(.enter)
        #expect(h.content == .rating(.participationCertificate))
    }

    @Test func unreadableCardAsksForTheCardAndWipes() {
        var h = SessionHarness()
        let id = h.insertCard()
        h.send(.actionFailed(id, .kiosk(KioskError(.notSocialSecurityCard, "no SSSE"))))
        guard case .takeCard(let v) = h.content else { Issue.record("\(h.content)"); return }
        #expect(v.problem == .notSocialSecurityCard && !v.canContinue)
        #expect(!h.machine.holdsPersonalData)
        h.removeCard()
        #expect(h.content == .attract(guides: true))
    }
}
