import Foundation
import KioskCamera
import KioskCore
import KioskHub
import KioskTesting
import Testing

/// Every fault scenario of the reference hub, over real HTTP: the client retries what is safe,
/// refuses what breaks the contract, and never hangs.
@Suite struct HubClientFaultTests {
    @Test func a5xxIsRetriedForASafeRequest() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"5xx","count":2,"includeHealth":true}"#)
            let health = try await hub.health()
            #expect(health.status == "ok")
            #expect(try await sim.requests().filter { $0 == "GET /v1/health" }.count == 3)
        }
    }

    @Test func aKeyedPostIsRetriedAndTakesEffectOnce() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"drop-after","count":1}"#)
            try await hub.submitRating(transactionId: "tx-drop", service: "card-status", score: 4, comment: nil)
            let ratings = try await sim.json("sim/ratings") as? [String: [Any]]
            #expect(ratings?["ratings"]?.count == 1)
            #expect(try await sim.requests().filter { $0 == "POST /v1/ratings" }.count == 2)
        }
    }

    /// The hub issues the certificate, then the answer is lost: the retry carries the same key
    /// and gets that certificate, not a second one (asked again with the key, the hub still
    /// answers with the first).
    @Test func aLostAnswerToACertificateIssuesNoSecondCertificate() async throws {
        try await HubFixtures.withHub { hub, sim in
            let s = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            try await sim.scenario(#"{"fault":"drop-after","count":1}"#)
            let key = UUID().uuidString
            let first = try await hub.issueCertificate(subjectRef: s.subjectRef, months: 12, idempotencyKey: key)
            #expect(try await sim.requests().filter { $0.hasSuffix("/certificates") }.count == 2, "retried once")
            let again = try await hub.issueCertificate(subjectRef: s.subjectRef, months: 12, idempotencyKey: key)
            #expect(again.certificateNo == first.certificateNo)
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"429","count":1,"retryAfterSeconds":1,"includeHealth":true}"#)
            let started = ContinuousClock.now
            _ = try await hub.health()
            #expect(ContinuousClock.now - started >= .milliseconds(950))
        }
    }

    @Test func aRetryAfterBeyondTheLimitFailsAtOnce() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"429","count":1,"retryAfterSeconds":600,"includeHealth":true}"#)
            await #expect { try await hub.health() } throws: { ($0 as? KioskError)?.message.contains("asks to wait 600 s") == true }
            #expect(try await sim.requests().filter { $0 == "GET /v1/health" }.count == 1, "not retried")
        }
    }

    @Test(arguments: ["malformed-json", "wrong-content-type", "invalid-utf8"])
    func aBodyThatBreaksTheContractIsAClearError(fault: String) async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"\#(fault)","count":1,"includeHealth":true}"#)
            await #expect { try await hub.health() } throws: { ($0 as? KioskError)?.code == .hub }
            // Not retried: the same question gets the same broken answer.
            #expect(try await sim.requests().filter { $0 == "GET /v1/health" }.count == 1)
        }
    }

    @Test func a100MBBodyIsRefusedWithoutReadingIt() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"fault":"huge-body","count":1,"includeHealth":true}"#)
            // Refused on the announced length, before a byte of the body is read.
            await #expect { try await hub.health() } throws: { ($0 as? KioskError)?.message.contains("refused unread") == true }
        }
    }

    /// A call given up by its caller (the card pulled, kioskd stopping) ends at once with a
    /// cancellation: it does not wait for a slow hub, and it is not counted against the hub.
    @Test func aCancelledCallEndsAtOnceAndIsNotAHubFailure() async throws {
        try await HubFixtures.withHub({
            $0.requestTimeout = .seconds(60); $0.breakerFailures = 1
        }) { hub, sim in
            try await sim.scenario(#"{"latencyMs":3000}"#)
            let call = Task { try await hub.health() }
            while try await sim.requests().filter({ $0 == "GET /v1/health" }).isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            call.cancel()
            // Had it not been cancelled, the answer would have come after 3 s: a success.
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(await hub.currentStatus() == .up)
            #expect(try await sim.requests().filter { $0 == "GET /v1/health" }.count == 1, "not retried")
        }
    }

    /// The probe of a half-open breaker is cancelled (the card pulled): the next call probes
    /// again. Before, the probe slot stayed taken and the hub was "down" until kioskd restarted.
    @Test func aCancelledProbeLeavesTheBreakerWillingToProbeAgain() async throws {
        try await HubFixtures.withHub({
            $0.maxAttempts = 1; $0.breakerFailures = 1; $0.breakerOpenFor = .milliseconds(200); $0.requestTimeout = .seconds(60)
        }) { hub, sim in
            try await sim.scenario(#"{"fault":"5xx","count":1,"includeHealth":true}"#)
            await #expect(throws: HubProblem.self) { try await hub.health() }
            #expect(await hub.currentStatus() == .down)
            try await Task.sleep(for: .milliseconds(300))
            try await sim.scenario(#"{"latencyMs":3000}"#)
            let probe = Task { try await hub.health() }
            while try await sim.requests().filter({ $0 == "GET /v1/health" }).count < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            probe.cancel()
            await #expect(throws: CancellationError.self) { try await probe.value }
            try await sim.scenario(#"{}"#)
            _ = try await hub.health()
            #expect(await hub.currentStatus() == .up)
        }
    }

    @Test func expiredSessionsEndAsExpired() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await sim.scenario(#"{"expireSessions":true}"#)
            let s = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            let flow = FaceVerificationFlow(
                hub: hub, camera: FileFaceCamera(folder: HubFixtures.repo.appendingPathComponent("devices/camera").path))
            do {
                let outcome = try await flow.run(subjectRef: s.subjectRef, consent: FaceVerificationFlow.consent(version: "v1", text: "同意"))
                #expect(outcome.decision == "expired")
            } catch let problem as HubProblem {
                #expect(problem.code == "session-expired")
            }
        }
    }

    /// The hub is down for the whole test: the breaker opens after three failures, calls then
    /// fail fast, and once the hub is back the half-open probe closes it again.
    @Test func theBreakerOpensFailsFastAndRecovers() async throws {
        var configuration = HubClientConfiguration(baseURL: "http://127.0.0.1:9/", kioskId: "KIOSK-TEST-0001")
        configuration.maxAttempts = 1
        configuration.requestTimeout = .seconds(1)
        configuration.breakerFailures = 3
        // Long enough that a loaded test machine cannot let it lapse before the fourth call.
        configuration.breakerOpenFor = .seconds(30)
        let hub = try HTTPHubClient(configuration)
        var statuses = hub.statusUpdates().makeAsyncIterator()
        #expect(await statuses.next() == .up)
        for _ in 0..<3 { await #expect(throws: KioskError.self) { try await hub.health() } }
        #expect(await hub.currentStatus() == .down)
        // Fails fast: the breaker answers without a request (the message says which path it took).
        await #expect { try await hub.health() } throws: { ($0 as? KioskError)?.message.contains("marked down") == true }
        await hub.shutdown()

        // The same breaker settings against a live hub: after the open period a probe gets through.
        try await HubFixtures.withHub({
            // 2 s (stretched under a sanitizer): the fast failure below must come within it even on a loaded test machine.
            $0.maxAttempts = 1; $0.breakerFailures = 1; $0.breakerOpenFor = TestTime.scaled(.seconds(2))
        }) { live, sim in
            try await sim.scenario(#"{"fault":"5xx","count":1,"includeHealth":true}"#)
            await #expect(throws: HubProblem.self) { try await live.health() }
            #expect(await live.currentStatus() == .down)
            await #expect(throws: KioskError.self) { try await live.health() }
            try await Task.sleep(for: TestTime.scaled(.milliseconds(2200)))
            _ = try await live.health()
            #expect(await live.currentStatus() == .up)
        }
    }
}
