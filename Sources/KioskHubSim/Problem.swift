import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Responses as the contract writes them: JSON bodies, and errors as RFC 9457 problem+json with
/// `code`, `retryable` and `requestId`.
enum Reply {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) -> SimReply {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(status, data, contentType: "application/json", headers: headers)
    }

    static func raw(_ status: HTTPResponse.Status, _ data: Data, contentType: String, headers: HTTPFields = [:]) -> SimReply {
        var fields = headers
        fields[.contentType] = contentType
        return SimReply(status: status, headers: fields, body: data)
    }

    static func problem(
        _ status: HTTPResponse.Status, code: String, title: String, retryable: Bool = false, requestId: String,
        headers: HTTPFields = [:]
    ) -> SimReply {
        let body = ProblemBody(
            type: "https://hub.example/problems/\(code)", title: title, status: Int(status.code), code: code,
            retryable: retryable, requestId: requestId)
        let data = (try? encoder.encode(body)) ?? Data()
        return raw(status, data, contentType: "application/problem+json", headers: headers)
    }
}

/// A response whose bytes are known, so the idempotency store can keep and replay it.
struct SimReply: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

struct ProblemBody: Codable {
    var type: String
    var title: String
    var status: Int
    var code: String
    var retryable: Bool
    var requestId: String
}

extension Request {
    /// The caller's request id (X-Request-Id) or a new one.
    var requestId: String {
        headers[HTTPField.Name("X-Request-Id")!] ?? UUID().uuidString
    }

    var kioskId: String? { headers[HTTPField.Name("X-Kiosk-Id")!] }
    var idempotencyKey: String? { headers[HTTPField.Name("Idempotency-Key")!] }
}

/// RFC 3339 UTC, as the contract writes times.
func rfc3339(_ date: Date) -> String {
    date.formatted(.iso8601)
}
