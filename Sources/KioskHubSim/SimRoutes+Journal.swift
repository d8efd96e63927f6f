import Foundation
import Hummingbird

/// The sinks: journal batches, ratings, heartbeats; and the signed config bundles kiosks poll for.
extension HubSimulator {
    static func addJournalRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.post("/v1/journal") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                guard let kiosk = request.kioskId else {
                    return Reply.problem(
                        .unauthorized, code: "kiosk-id-required", title: "X-Kiosk-Id is required", requestId: request.requestId)
                }
                guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                    let records = object["records"] as? [[String: Any]]
                else {
                    return Reply.problem(.badRequest, code: "bad-request", title: "{records: [...]} expected", requestId: request.requestId)
                }
                for record in records {
                    guard let seq = record["seq"] as? Int, let hash = record["hash"] as? String, let prev = record["prevHash"] as? String,
                        let recordKiosk = record["kioskId"] as? String
                    else {
                        return Reply.problem(
                            .badRequest, code: "bad-record", title: "every record needs kioskId, seq, prevHash, hash",
                            requestId: request.requestId)
                    }
                    guard recordKiosk == kiosk else {
                        return Reply.problem(
                            .forbidden, code: "wrong-kiosk", title: "record \(seq) belongs to another kiosk", requestId: request.requestId)
                    }
                    let json = (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])) ?? Data()
                    if case .conflict(let why) = await state.append(kioskId: kiosk, seq: seq, hash: hash, prevHash: prev, json: json) {
                        return Reply.problem(.conflict, code: "journal-conflict", title: why, requestId: request.requestId)
                    }
                }
                struct Out: Encodable { var highestContiguousSeq: Int }
                return Reply.json(.ok, Out(highestContiguousSeq: await state.highestContiguousSeq(kioskId: kiosk)))
            }
        }

        router.post("/v1/ratings") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                struct In: Decodable { var transactionId: String; var service: String; var score: Int; var comment: String? }
                guard let input = try? JSONDecoder().decode(In.self, from: body), (1...5).contains(input.score),
                    !input.transactionId.isEmpty
                else {
                    return Reply.problem(
                        .badRequest, code: "bad-rating", title: "transactionId, service, score 1…5", requestId: request.requestId)
                }
                let isNew = await state.rate(transactionId: input.transactionId, json: body)
                struct Out: Encodable { var transactionId: String; var accepted: Bool; var duplicate: Bool }
                return Reply.json(.ok, Out(transactionId: input.transactionId, accepted: true, duplicate: !isNew))
            }
        }

        router.post("/v1/kiosks/:kiosk/status") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                let kiosk = context.parameters.get("kiosk") ?? ""
                guard request.kioskId == kiosk else {
                    return Reply.problem(
                        .forbidden, code: "wrong-kiosk", title: "X-Kiosk-Id does not match the path", requestId: request.requestId)
                }
                await state.heartbeat(kioskId: kiosk, json: body)
                struct Out: Encodable { var received: String }
                return Reply.json(.ok, Out(received: rfc3339(.now)))
            }
        }

        router.get("/v1/kiosks/:kiosk/config") { request, context -> SimReply in
            let kiosk = context.parameters.get("kiosk") ?? ""
            guard request.kioskId == kiosk else {
                return Reply.problem(
                    .forbidden, code: "wrong-kiosk", title: "X-Kiosk-Id does not match the path", requestId: request.requestId)
            }
            guard let bundle = await state.config(kioskId: kiosk) else {
                return Reply.problem(
                    .notFound, code: "no-config", title: "No configuration bundle for this kiosk", requestId: request.requestId)
            }
            if request.headers[.ifNoneMatch] == bundle.etag {
                return SimReply(status: .notModified, headers: [.eTag: bundle.etag], body: Data())
            }
            return Reply.raw(.ok, bundle.body, contentType: "application/json", headers: [.eTag: bundle.etag])
        }
    }
}
