import Foundation
import KioskCamera
import KioskCore
import KioskHub
import Testing

@Suite struct FaceVerificationTests {
    var camera: FileFaceCamera { FileFaceCamera(folder: HubFixtures.repo.appendingPathComponent("devices/camera").path) }

    @Test func passesWithTheNextDueDateAndAReceipt() async throws {
        let camera = self.camera
        try await HubFixtures.withHub { hub, _ in
            let s = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            let steps = StepLog()
            let outcome = try await FaceVerificationFlow(hub: hub, camera: camera)
                .run(
                    subjectRef: s.subjectRef, consent: FaceVerificationFlow.consent(version: "v1", text: "我同意…"),
                    progress: { await steps.add($0) })
            #expect(outcome.decision == "passed")
            #expect(outcome.nextDueBy?.count == 10)
            #expect(outcome.receiptNo != nil)
            #expect(await steps.all.contains(.waitingForDecision))
        }
    }

    @Test(arguments: [
        ("face-mismatch", "failed-retryable"), ("no-reference-photo", "failed-final"), ("source-unavailable", "refer-manual"),
    ])
    func eachReasonCodeComesBackWithItsDecision(reason: String, decision: String) async throws {
        let camera = self.camera
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"face":"\#(reason)","decisionDelayMs":50}"#)
            let s = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            let outcome = try await FaceVerificationFlow(hub: hub, camera: camera)
                .run(subjectRef: s.subjectRef, consent: FaceVerificationFlow.consent(version: "v1", text: "同意"))
            #expect(outcome.decision == decision)
            #expect(outcome.reasonCode == reason)
        }
    }

    @Test func framesAreWipedAfterUse() async throws {
        let frames = try await camera.capture(count: 2)
        #expect(frames.allSatisfy { $0.jpeg.starts(with: [0xFF, 0xD8]) })
        frames.forEach { $0.wipe() }
        #expect(frames.allSatisfy { $0.isWiped })
    }

    @Test func theConsentCarriesTheTextsDigest() {
        let c = FaceVerificationFlow.consent(version: "2026-01", text: "abc")
        #expect(c.textSha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

actor StepLog {
    private(set) var all: [FaceStage] = []
    func add(_ p: FaceStage) { all.append(p) }
}
