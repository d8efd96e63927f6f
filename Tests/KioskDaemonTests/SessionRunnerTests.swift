import Foundation
import KioskCore
import KioskTesting
import Testing

@testable import KioskDaemon

/// The runner between the machine and the peers, over fakes: each test fails when the runner
/// stops carrying an answer, a failure or a wipe back to the machine.
@Suite struct SessionRunnerTests {
    @Test func aCardThatCannotBeReadEndsAsNotASocialSecurityCardAndIsJournalled() async throws {
        let rig = RunnerRig()
        rig.slot.script { $0.read = .failure(KioskError(.notSocialSecurityCard, "no SSSE application")) }
        rig.insertCard()
        let content = try await rig.waitFor("the take-card screen") { if case .takeCard = $0 { true } else { false } }
        guard case .takeCard(let view) = content else { return }
        #expect(view.problem == .notSocialSecurityCard)
        await rig.finish()
        let read = rig.store.journal.first { $0.kind == .cardRead }
        #expect(read?.payload["outcome"] == .string("failed"))
        #expect(rig.hub.record.calls.contains("resolveSubject") == false)
    }

    /// With a hub tens of milliseconds away, the lookup must not wait for the end of the read:
    /// the hub is asked while the card is still being read.
    @Test func theHubIsAskedWhileTheCardIsStillBeingRead() async throws {
        let rig = RunnerRig()
        rig.slot.script { $0.readLatency = .seconds(3) }
        rig.insertCard()
        try await waitUntil("the hub asked") { rig.hub.record.calls.contains("resolveSubject") }
        #expect(await rig.runner.screen.content == .reading)
        let content = try await rig.waitFor("the menu") { if case .menu = $0 { true } else { false } }
        guard case .menu(let view) = content else { return }
        #expect(view.holder == "张**")
        #expect(rig.hub.record.calls.filter { $0 == "resolveSubject" }.count == 1)
        await rig.finish()
    }

    /// The certificate is rendered while the citizen reads its preview: Enter sends the
    /// finished document to the printer, rendered once.
    @Test func theCertificateIsRenderedWhileItsPreviewShowsAndPrintedFromThatRender() async throws {
        let renderer = FakeDocumentRenderer(latency: .milliseconds(200))
        let rig = RunnerRig(renderer: renderer)
        try await rig.startAtMenu()
        rig.press(.digit(1))
        try await rig.waitFor("the certificate preview") { if case .certificatePreview = $0 { true } else { false } }
        try await waitUntil("the certificate rendered before Enter") { renderer.rendered.certificates == 1 }
        #expect(rig.certificatePrinter.record.submissions.isEmpty)
        rig.press(.enter)
        try await waitUntil("the certificate at the printer") { rig.certificatePrinter.record.submissions.count == 1 }
        #expect(renderer.rendered.certificates == 1, "not rendered again")
        await rig.finish()
    }

    /// A citizen who leaves the preview without printing: the render made for it is stopped when
    /// the session ends, and nothing reaches the printer.
    @Test func aPreviewLeftUnprintedPrintsNothing() async throws {
        // The render must outlast the steps to the card's removal, which take longer under a sanitizer.
        let renderer = FakeDocumentRenderer(latency: TestTime.scaled(.milliseconds(200)))
        let rig = RunnerRig(renderer: renderer)
        try await rig.startAtMenu()
        rig.press(.digit(1))
        try await rig.waitFor("the certificate preview") { if case .certificatePreview = $0 { true } else { false } }
        rig.press(.back)
        rig.removeCard()
        try await rig.waitFor("the card-removed notice") { if case .cardRemoved = $0 { true } else { false } }
        try await Task.sleep(for: TestTime.scaled(.milliseconds(400)))  // longer than the render: it would have printed by now
        await rig.finish()
        #expect(renderer.rendered.certificates == 0, "the render made for the preview was stopped with the session")
        #expect(rig.certificatePrinter.record.submissions.isEmpty)
        #expect(!rig.store.journal.contains { $0.kind == .print })
    }

    @Test func theJournalCarriesTheKiosksOwnSubjectRefNeverTheHubs() async throws {
        let rig = RunnerRig()
        try await rig.startAtMenu()
        rig.removeCard()
        try await rig.waitFor("the card-removed notice") { if case .cardRemoved = $0 { true } else { false } }
        await rig.finish()
        let refs = Set(rig.store.journal.compactMap(\.subjectRef))
        #expect(refs == ["kiosk-ref-002X"])
    }

    @Test func aCardPulledWhileTheCertificatePrintsDoesNotCancelThePrintAndItsOutcomeIsJournalled() async throws {
        let rig = RunnerRig()
        rig.certificatePrinter.script { $0.holdJobs = true }
        try await rig.startAtMenu()
        rig.press(.digit(1))
        try await rig.waitFor("the certificate preview") { if case .certificatePreview = $0 { true } else { false } }
        rig.press(.enter)
        try await waitUntil("the certificate job held at the printer") { rig.certificatePrinter.heldJobs == 1 }
        rig.removeCard()
        try await rig.waitFor("the card-removed notice") { if case .cardRemoved = $0 { true } else { false } }
        rig.certificatePrinter.release()
        try await waitUntil("the print's outcome in the journal") {
            rig.store.journal.contains { $0.kind == .print && $0.payload["state"] == .string("completed") }
        }
        await rig.finish()
        #expect(rig.certificatePrinter.record.cancelled.isEmpty)
        #expect(rig.certificatePrinter.record.submissions.count == 1)
        #expect(rig.store.journal.filter { $0.kind == .print }.count == 1)
    }

    @Test func aHubThatGoesDownMidServiceShowsTheServiceFailedAndTheKioskGoesOn() async throws {
        let rig = RunnerRig()
        try await rig.startAtMenu()
        rig.hub.script { $0.down = true }
        rig.press(.digit(1))
        let content = try await rig.waitFor("the service failed") { if case .serviceFailed = $0 { true } else { false } }
        #expect(content == .serviceFailed(.participationCertificate, .hubUnavailable))
        rig.removeCard()
        try await rig.waitFor("the card-removed notice") { if case .cardRemoved = $0 { true } else { false } }
        await rig.finish()
        let outcome = rig.store.journal.first { $0.kind == .serviceOutcome }
        #expect(outcome?.payload["outcome"] == .string("failed"))
        #expect(outcome?.payload["error"] == .string(KioskError.Code.hubUnavailable.rawValue))
    }

    @Test func theFaceFlowAsksTheHubSendsThreeFramesOnceAndWipesThem() async throws {
        let rig = RunnerRig()
        try await rig.startAtMenu()
        rig.press(.digit(4))
        try await rig.waitFor("the consent screen") { $0 == .faceConsent }
        rig.press(.enter)
        let content = try await rig.waitFor("the face result") { if case .faceResult = $0 { true } else { false } }
        guard case .faceResult(let outcome) = content else { return }
        #expect(outcome.decision == "passed" && outcome.nextDueBy == "2027-11-30")
        #expect(rig.hub.record.evidenceFrames == 3)
        #expect(rig.camera.frames.count == 3 && rig.camera.frames.allSatisfy(\.isWiped))
        await rig.finish()
        #expect(rig.store.journal.contains { $0.kind == .faceCapture } && rig.store.journal.contains { $0.kind == .faceWipe })
    }

    @Test func aFaceFlowLeftByAPulledCardIsCancelledAtTheHub() async throws {
        let rig = RunnerRig()
        rig.hub.holdEvidence()
        try await rig.startAtMenu()
        rig.press(.digit(4))
        try await rig.waitFor("the consent screen") { $0 == .faceConsent }
        rig.press(.enter)
        try await waitUntil("the verification session") { rig.hub.record.calls.contains("submitEvidence") }
        rig.removeCard()
        try await waitUntil("the cancel at the hub") { rig.hub.record.cancelledVerifications == ["face-1"] }
        rig.hub.releaseEvidence()
        await rig.finish()
    }

    @Test func aStoreWriteThatFailsIsTriedAgainAndNothingIsLost() async throws {
        let rig = RunnerRig()
        rig.store.failNextWrites(2)
        try await rig.startAtMenu()
        await rig.finish()
        #expect(rig.store.contents.failedWrites == 2)
        #expect(rig.store.journal.map(\.kind).prefix(2) == [.sessionStart, .cardRead])
    }

    @Test func aPINIsCheckedOnTheCardAndItsAnswerReachesTheScreen() async throws {
        let rig = RunnerRig()
        rig.slot.script { $0.pin = .wrong(triesLeft: 2) }
        try await rig.startAtMenu()
        rig.press(.digit(3))
        try await rig.waitFor("the PIN entry") { if case .pinEntry = $0 { true } else { false } }
        rig.press(.digit(1), .digit(2), .digit(3), .digit(4), .digit(5), .digit(6), .enter)
        let content = try await rig.waitFor("tries left") {
            if case .pinEntry(let view) = $0 { view.triesLeft == 2 } else { false }
        }
        #expect(rig.slot.pinsEntered == ["123456"], "\(content)")
        rig.slot.script { $0.pin = .verified }
        rig.press(.digit(1), .digit(2), .digit(3), .digit(4), .digit(5), .digit(6), .enter)
        try await rig.waitFor("the pension service past the PIN") {
            switch $0 {
            case .pensionYearChoice, .pensionPayments: true
            default: false
            }
        }
        await rig.finish()
    }
}
