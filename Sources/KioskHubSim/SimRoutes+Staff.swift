import Foundation
import Hummingbird

/// 帮办: a hall worker's one-time code verified; `/sim/staff-codes` mints one for tests and the demo.
extension HubSimulator {
    static func addStaffRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.post("/v1/staff/verify") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                struct In: Decodable { var code: String }
                guard let input = try? JSONDecoder().decode(In.self, from: body), input.code.count == 6,
                    input.code.allSatisfy({ $0.isASCII && $0.isNumber })
                else {
                    return Reply.problem(.badRequest, code: "bad-request", title: "code: 6 digits", requestId: request.requestId)
                }
                guard let staff = await state.useStaffCode(input.code) else {
                    return Reply.problem(
                        .notFound, code: "staff-code-invalid", title: "Unknown or used staff code", requestId: request.requestId)
                }
                struct Out: Encodable { var staffRef: String; var displayName: String; var validUntil: String }
                let until = Date.now.addingTimeInterval(4 * 3600).formatted(.iso8601)
                return Reply.json(.ok, Out(staffRef: staff.staffRef, displayName: staff.name, validUntil: until))
            }
        }
        router.post("/sim/staff-codes") { request, context -> SimReply in
            let code = try await request.decode(as: SeedStaffCode.self, context: context)
            await state.addStaffCode(code)
            return Reply.json(.ok, code)
        }
    }
}
