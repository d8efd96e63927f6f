import Foundation
import Hummingbird

/// Face verification sessions: create (with consent), evidence, poll, cancel.
extension HubSimulator {
    struct SessionView: Encodable {
        struct Qualification: Encodable { var nextDueBy: String; var paymentSuspended: Bool }
        var sessionId: String
        var status: String
        var decision: String?
        var reasonCode: String?
        var attemptsLeftToday: Int
        var qualification: Qualification?
        var receiptNo: String?
        var expiresAt: String
    }

    static func view(_ s: HubState.Session, attemptsLeft: Int) -> SessionView {
        var qualification: SessionView.Qualification?
        if s.decision == "passed" {
            let next = Calendar(identifier: .gregorian).date(byAdding: .year, value: 1, to: s.createdAt) ?? s.createdAt
            qualification = .init(nextDueBy: String(rfc3339(next).prefix(10)), paymentSuspended: false)
        }
        return SessionView(
            sessionId: s.id, status: s.status, decision: s.decision, reasonCode: s.reasonCode, attemptsLeftToday: attemptsLeft,
            qualification: qualification, receiptNo: s.receiptNo, expiresAt: rfc3339(s.expiresAt))
    }

    static func addVerificationRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.post("/v1/verification-sessions") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                struct Consent: Decodable { var version: String; var textSha256: String; var acceptedAt: String }
                struct In: Decodable { var purpose: String; var subjectRef: String; var consent: Consent }
                guard let input = try? JSONDecoder().decode(In.self, from: body),
                    ["pension-qualification", "real-name"].contains(input.purpose), input.consent.textSha256.count == 64
                else {
                    return Reply.problem(
                        .badRequest, code: "bad-request",
                        title: "purpose, subjectRef and consent {version, textSha256, acceptedAt} are required",
                        requestId: request.requestId)
                }
                guard await state.citizens[input.subjectRef] != nil else { return notFound(request) }
                guard let (session, left) = await state.createSession(subjectRef: input.subjectRef, purpose: input.purpose, now: .now)
                else {
                    return Reply.problem(
                        .tooManyRequests, code: "daily-attempt-limit", title: "No attempts left today", requestId: request.requestId)
                }
                struct Challenge: Encodable { var type = "blink"; var value = "请眨眨眼" }
                struct Out: Encodable { var sessionId: String; var challenge: Challenge; var expiresAt: String; var attemptsLeftToday: Int }
                return Reply.json(
                    .created,
                    Out(sessionId: session.id, challenge: Challenge(), expiresAt: rfc3339(session.expiresAt), attemptsLeftToday: left))
            }
        }

        router.post("/v1/verification-sessions/:id/evidence") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                struct In: Decodable { var frames: [String] }
                guard let input = try? JSONDecoder().decode(In.self, from: body), (1...3).contains(input.frames.count),
                    input.frames.allSatisfy({ Data(base64Encoded: $0).map { $0.starts(with: [0xFF, 0xD8]) } ?? false })
                else {
                    return Reply.problem(
                        .badRequest, code: "quality-insufficient", title: "1 to 3 base64 JPEG frames", requestId: request.requestId)
                }
                let id = context.parameters.get("id") ?? ""
                guard let s = await state.submitEvidence(id, now: .now) else {
                    return Reply.problem(.notFound, code: "no-session", title: "Unknown session", requestId: request.requestId)
                }
                if s.status == "expired" {
                    return Reply.problem(.gone, code: "session-expired", title: "The session expired", requestId: request.requestId)
                }
                struct Out: Encodable { var status: String; var pollAfterMs: Int }
                return Reply.json(.accepted, Out(status: s.status, pollAfterMs: 200))
            }
        }

        router.get("/v1/verification-sessions/:id") { request, context -> SimReply in
            guard let s = await state.session(context.parameters.get("id") ?? "", now: .now) else {
                return Reply.problem(.notFound, code: "no-session", title: "Unknown session", requestId: request.requestId)
            }
            return Reply.json(.ok, view(s, attemptsLeft: await state.attemptsLeft(s.subjectRef)))
        }

        router.post("/v1/verification-sessions/:id/cancel") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { _ in
                guard let s = await state.cancelSession(context.parameters.get("id") ?? "") else {
                    return Reply.problem(.notFound, code: "no-session", title: "Unknown session", requestId: request.requestId)
                }
                return Reply.json(.ok, view(s, attemptsLeft: await state.attemptsLeft(s.subjectRef)))
            }
        }
    }
}
