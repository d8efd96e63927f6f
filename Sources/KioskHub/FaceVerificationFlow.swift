import Crypto
import Foundation
import KioskCore

/// Pension-qualification face verification, end to end on the kiosk side: consent recorded
/// (text version + SHA-256), session created, frames captured and uploaded once, then zeroed,
/// the decision polled with backoff until final or expired. Cancel tells the hub the citizen
/// gave up. The kiosk never decides and never keeps a score.
public struct FaceVerificationFlow: Sendable {
    let hub: any HubClient
    let camera: any FaceCamera
    public var frameCount = 3
    public var pollLimit: Duration = .seconds(60)

    public init(hub: any HubClient, camera: any FaceCamera) {
        self.hub = hub
        self.camera = camera
    }

    /// The consent for the text the citizen saw.
    public static func consent(version: String, text: String, acceptedAt: Date = .now) -> FaceConsent {
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return FaceConsent(version: version, textSha256: digest, acceptedAt: acceptedAt.formatted(.iso8601))
    }

    /// Runs the flow; `onSession` receives the session id as soon as it exists (so a caller can
    /// cancel it), `progress` each step. The frames are wiped whatever happens.
    public func run(
        subjectRef: String, consent: FaceConsent, purpose: String = "pension-qualification",
        onSession: @Sendable (String) async -> Void = { _ in }, progress: @Sendable (FaceStage) async -> Void = { _ in }
    ) async throws -> FaceVerificationOutcome {
        let session = try await hub.createVerificationSession(purpose: purpose, subjectRef: subjectRef, consent: consent)
        await onSession(session.sessionId)
        await progress(.sessionCreated)
        await progress(.capturing)
        let frames = try await camera.capture(count: frameCount)
        defer { frames.forEach { $0.wipe() } }
        await progress(.uploading)
        var pollAfter = try await hub.submitEvidence(sessionId: session.sessionId, frames: frames.map(\.jpeg))
        frames.forEach { $0.wipe() }
        await progress(.waitingForDecision)
        let deadline = ContinuousClock.now + pollLimit
        while true {
            try await Task.sleep(for: .milliseconds(max(100, min(pollAfter, 5000))))
            let state = try await hub.verificationState(sessionId: session.sessionId)
            if state.isFinal {
                let decision = state.status == "completed" ? (state.decision ?? "refer-manual") : state.status
                return FaceVerificationOutcome(
                    decision: decision, reasonCode: state.reasonCode ?? (state.status == "expired" ? "session-expired" : nil),
                    nextDueBy: state.qualification?.nextDueBy, receiptNo: state.receiptNo, attemptsLeftToday: state.attemptsLeftToday)
            }
            guard ContinuousClock.now < deadline else {
                try? await hub.cancelVerification(sessionId: session.sessionId)
                throw KioskError(.timeout, "the hub gave no decision in time")
            }
            pollAfter = min(pollAfter * 3 / 2 + 100, 3000)  // back off gently while the hub decides
        }
    }
}
