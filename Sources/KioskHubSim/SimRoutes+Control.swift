import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationCompat

/// /sim: the test and demo controls, outside the contract. Scenario in, sinks out.
extension HubSimulator {
    static func addControlRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.post("/sim/scenario") { request, context -> SimReply in
            let scenario = try await request.decode(as: Scenario.self, context: context)
            await state.setScenario(scenario)
            return Reply.json(.ok, scenario)
        }
        router.get("/sim/scenario") { _, _ -> SimReply in Reply.json(.ok, await state.scenario) }
        router.post("/sim/reset") { _, _ -> SimReply in
            await state.reset()
            return Reply.json(.ok, ["reset": true])
        }
        router.get("/sim/journal/:kiosk") { _, context -> SimReply in
            let entries = await state.journal[context.parameters.get("kiosk") ?? ""] ?? [:]
            let records = entries.keys.sorted().compactMap { try? JSONSerialization.jsonObject(with: entries[$0]!.json) }
            let data = (try? JSONSerialization.data(withJSONObject: ["records": records], options: [.sortedKeys])) ?? Data()
            return Reply.raw(.ok, data, contentType: "application/json")
        }
        router.get("/sim/ratings") { _, _ -> SimReply in
            let ratings = await state.ratings
            let list = ratings.keys.sorted().compactMap { try? JSONSerialization.jsonObject(with: ratings[$0]!) }
            let data = (try? JSONSerialization.data(withJSONObject: ["ratings": list], options: [.sortedKeys])) ?? Data()
            return Reply.raw(.ok, data, contentType: "application/json")
        }
        router.get("/sim/requests") { _, _ -> SimReply in Reply.json(.ok, ["requests": await state.requestLog]) }
        // Every kiosk's latest heartbeat, by kiosk id: what the centre's fleet view starts from.
        router.get("/sim/heartbeats") { _, _ -> SimReply in
            var all = Data("{".utf8)
            for (index, (kiosk, body)) in await state.heartbeats.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { all.append(contentsOf: Array(",".utf8)) }
                all.append(try JSONEncoder().encode(kiosk))
                all.append(contentsOf: Array(":".utf8))
                all.append(body)
            }
            all.append(contentsOf: Array("}".utf8))
            return Reply.raw(.ok, all, contentType: "application/json")
        }
        router.get("/sim/heartbeats/:kiosk") { _, context -> SimReply in
            let body = await state.heartbeats[context.parameters.get("kiosk") ?? ""] ?? Data("null".utf8)
            return Reply.raw(.ok, body, contentType: "application/json")
        }
        router.put("/sim/config/:kiosk") { request, context -> SimReply in
            let body = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            let etag = await state.publishConfig(kioskId: context.parameters.get("kiosk") ?? "", body: body)
            return Reply.json(.ok, ["etag": etag])
        }
    }
}
