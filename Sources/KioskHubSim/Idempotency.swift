import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationCompat

extension HubSimulator {
    /// POST semantics of the contract: `Idempotency-Key` is required; a repeated key with the same
    /// body gets the stored response; the same key with another body is 422.
    static func idempotent(
        _ request: Request, _ context: SimRequestContext, state: HubState, _ handler: (Data) async throws -> SimReply
    ) async throws -> SimReply {
        guard let key = request.idempotencyKey, !key.isEmpty else {
            return Reply.problem(
                .badRequest, code: "idempotency-key-required", title: "POST needs an Idempotency-Key", requestId: request.requestId)
        }
        // The contract says a UUID: a kiosk sending anything else would fail at a hub that checks.
        guard UUID(uuidString: key) != nil else {
            return Reply.problem(
                .badRequest, code: "idempotency-key-invalid", title: "Idempotency-Key must be a UUID", requestId: request.requestId)
        }
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
            return Reply.problem(
                .unsupportedMediaType, code: "unsupported-media-type", title: "Send application/json", requestId: request.requestId)
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = Data(buffer: buffer)
        guard String(data: body, encoding: .utf8) != nil else {
            return Reply.problem(.badRequest, code: "invalid-utf8", title: "The body is not UTF-8", requestId: request.requestId)
        }
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let scopedKey = (request.kioskId ?? "-") + "/" + key
        if let stored = await state.stored(key: scopedKey) {
            guard stored.bodyDigest == digest else {
                return Reply.problem(
                    .unprocessableContent, code: "idempotency-key-reused", title: "This Idempotency-Key was used with another body",
                    requestId: request.requestId)
            }
            var headers = HTTPFields()
            headers[.contentType] = stored.contentType
            headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return SimReply(status: .init(code: stored.status), headers: headers, body: stored.body)
        }
        let reply = try await handler(body)
        // Only definite answers are remembered; a 5xx may be retried with the same key.
        if reply.status.code < 500 {
            await state.store(
                key: scopedKey,
                .init(bodyDigest: digest, status: Int(reply.status.code), body: reply.body, contentType: reply.headers[.contentType] ?? ""))
        }
        return reply
    }
}
