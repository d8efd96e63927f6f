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
                // Kiosk events (a card left in the slot) share the endpoint; anything else must be a
                // heartbeat as the contract spells it, so a kiosk drifting from it is told at once.
                if let problem = HeartbeatShape.problem(body) {
                    return Reply.problem(.badRequest, code: "invalid-heartbeat", title: problem, requestId: request.requestId)
                }
                if HeartbeatShape.isEvent(body) {
                    await state.kioskEvent(kioskId: kiosk, json: body)
                } else {
                    await state.heartbeat(kioskId: kiosk, json: body)
                }
                struct Out: Encodable {
                    var receivedAt: String
                    var configEtag: String?
                }
                return Reply.json(.ok, Out(receivedAt: rfc3339(.now), configEtag: await state.config(kioskId: kiosk)?.etag))
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

/// The heartbeat body of the hub contract, checked field by field (the reference hub shares no
/// code with the kiosk, so this is the contract read a second time).
enum HeartbeatShape {
    struct Body: Decodable {
        struct Maintenance: Decodable {
            var on: Bool
            var reason: String?
        }
        struct Head: Decodable {
            var seq: Int
            var hash: String
        }
        struct Device: Decodable {
            var device: String
            var state: String
            var reasons: [String]
            var since: String
        }
        var at: String
        var softwareVersion: String
        var configVersion: Int
        var outOfService: Bool
        var maintenance: Maintenance
        var journalHead: Head?
        var devices: [Device]
    }

    static let devices: Set<String> = [
        "card-reader", "psam", "receipt-printer", "a4-printer", "camera", "scanner", "audio", "renderer", "store",
    ]
    static let states: Set<String> = ["ok", "degraded", "failed", "unknown"]

    /// A kiosk event (`{event, …}`), not a heartbeat.
    static func isEvent(_ json: Data) -> Bool {
        (try? JSONSerialization.jsonObject(with: json) as? [String: Any])?["event"] != nil
    }

    /// Why `json` is not a heartbeat (nil: it is one, or it is a kiosk event).
    static func problem(_ json: Data) -> String? {
        if isEvent(json) { return nil }
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: json) } catch { return "not a heartbeat: \(error)" }
        for device in body.devices {
            if !devices.contains(device.device) { return "unknown device '\(device.device)'" }
            if !states.contains(device.state) { return "unknown state '\(device.state)' of \(device.device)" }
        }
        return nil
    }
}
