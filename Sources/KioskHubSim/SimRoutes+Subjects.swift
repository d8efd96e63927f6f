import Foundation
import Hummingbird

/// Citizens: resolve (by card or by a scanned 电子社保卡 code, which `/sim/essc-tokens` mints),
/// contributions, pension payments, certificates.
extension HubSimulator {
    static func addSubjectRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.post("/v1/subjects/resolve") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                struct In: Decodable { var ssn: String?; var cardNumber: String?; var cardIdentifier: String?; var esscToken: String? }
                struct Out: Encodable {
                    var subjectRef: String; var displayName: String; var cardStatus: String; var credential: String?; var birthDate: String?
                }
                func masked(_ c: SeedCitizen) -> String {
                    String(c.name.prefix(1)) + String(repeating: "*", count: max(0, c.name.count - 1))
                }
                let input = try? JSONDecoder().decode(In.self, from: body)
                if let input, input.esscToken != nil, input.ssn != nil || input.cardNumber != nil || input.cardIdentifier != nil {
                    return Reply.problem(
                        .badRequest, code: "bad-request", title: "either the card's fields or esscToken, never both",
                        requestId: request.requestId)
                }
                if let token = input?.esscToken {
                    guard !token.isEmpty, token.utf8.count <= 512, token.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                        return Reply.problem(
                            .badRequest, code: "bad-request", title: "esscToken: 1 to 512 printable ASCII characters",
                            requestId: request.requestId)
                    }
                    switch await state.resolve(esscToken: token) {
                    case .citizen(let ref, let c):
                        return Reply.json(
                            .ok,
                            Out(
                                subjectRef: ref, displayName: masked(c), cardStatus: c.cardStatus, credential: "essc",
                                birthDate: SeedCitizen.birthDate(ssn: c.ssn)))
                    case .expired:
                        return Reply.problem(
                            .gone, code: "essc-expired", title: "This electronic card code has expired", requestId: request.requestId)
                    case .unknown:
                        return Reply.problem(
                            .notFound, code: "essc-invalid", title: "Unknown electronic card code", requestId: request.requestId)
                    }
                }
                guard let input, let ssn = input.ssn, let cardNumber = input.cardNumber, let cardIdentifier = input.cardIdentifier else {
                    return Reply.problem(
                        .badRequest, code: "bad-request", title: "ssn, cardNumber and cardIdentifier (or esscToken) are required",
                        requestId: request.requestId)
                }
                guard let (ref, c) = await state.resolve(ssn: ssn, cardNumber: cardNumber, cardIdentifier: cardIdentifier)
                else {
                    return Reply.problem(
                        .notFound, code: "no-reference-record", title: "No citizen matches this card", requestId: request.requestId)
                }
                return Reply.json(.ok, Out(subjectRef: ref, displayName: masked(c), cardStatus: c.cardStatus))
            }
        }

        // A citizen's electronic social security card code, as their phone would show it.
        router.post("/sim/essc-tokens") { request, context -> SimReply in
            struct In: Decodable { var profile: String; var ttlSeconds: Int? }
            struct Out: Encodable { var esscToken: String; var expiresAt: String }
            let input = try await request.decode(as: In.self, context: context)
            guard let (token, expires) = await state.mintESSCToken(profile: input.profile, seconds: input.ttlSeconds ?? 300) else {
                return Reply.problem(.notFound, code: "no-such-profile", title: "No citizen has this profile", requestId: request.requestId)
            }
            return Reply.json(.ok, Out(esscToken: token, expiresAt: expires.formatted(.iso8601)))
        }

        router.get("/v1/subjects/:ref/contributions") { request, context -> SimReply in
            guard let c = await citizen(request, context, state) else { return notFound(request) }
            let now = currentMonth()
            let from = request.uri.queryParameters.get("from") ?? ContributionLedger.shift(now, by: -11)
            let to = request.uri.queryParameters.get("to") ?? now
            guard ContributionLedger.parse(from) != nil, ContributionLedger.parse(to) != nil, from <= to else {
                return Reply.problem(
                    .badRequest, code: "bad-range", title: "from and to are YYYY-MM, from <= to", requestId: request.requestId)
            }
            struct Out: Encodable { var rows: [ContributionRow] }
            return Reply.json(.ok, Out(rows: ContributionLedger.rows(for: c, from: from, to: to, now: now)))
        }

        router.get("/v1/subjects/:ref/pension-payments") { request, context -> SimReply in
            guard let c = await citizen(request, context, state) else { return notFound(request) }
            guard let year = request.uri.queryParameters.get("year").flatMap(Int.init), (1950...2100).contains(year) else {
                return Reply.problem(.badRequest, code: "bad-year", title: "year is YYYY", requestId: request.requestId)
            }
            struct Row: Encodable { var month: String; var amount: Int; var bankMasked: String; var paidOn: String }
            struct Out: Encodable { var rows: [Row] }
            var rows: [Row] = []
            if c.pensioner, let retired = c.retiredOn, let amount = c.pensionFen {
                for month in ContributionLedger.months(from: String(format: "%04d-01", year), to: String(format: "%04d-12", year))
                where month > retired && month <= currentMonth() {
                    rows.append(Row(month: month, amount: amount, bankMasked: "6217********1234", paidOn: month + "-15"))
                }
            }
            return Reply.json(.ok, Out(rows: rows))
        }

        router.post("/v1/subjects/:ref/certificates") { request, context -> SimReply in
            try await idempotent(request, context, state: state) { body in
                guard let c = await citizen(request, context, state) else { return notFound(request) }
                struct In: Decodable { var kind: String; var months: Int }
                guard let input = try? JSONDecoder().decode(In.self, from: body), input.kind == "participation",
                    (1...120).contains(input.months)
                else {
                    return Reply.problem(
                        .badRequest, code: "bad-request", title: "kind participation, months 1…120", requestId: request.requestId)
                }
                let issued = certificate(for: c, months: input.months)
                await state.recordCertificate(code: issued.verificationCode, kioskId: request.kioskId, issuedAt: issued.issuedAt)
                return Reply.json(.created, issued)
            }
        }
    }

    static func citizen(_ request: Request, _ context: SimRequestContext, _ state: HubState) async -> SeedCitizen? {
        guard let ref = context.parameters.get("ref") else { return nil }
        return await state.citizens[ref]
    }

    static func notFound(_ request: Request) -> SimReply {
        Reply.problem(.notFound, code: "no-reference-record", title: "Unknown subjectRef", requestId: request.requestId)
    }

    static func currentMonth() -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: .now)
        return String(format: "%04d-%02d", c.year!, c.month!)
    }

    struct Certificate: Encodable {
        struct Holder: Encodable { var name: String; var ssn: String }
        struct Insurance: Encodable { var insurance: String; var status: String; var paidMonths: Int; var from: String; var to: String? }
        struct Employer: Encodable { var employer: String; var from: String; var to: String? }
        var certificateNo: String
        var kind = "participation"
        var months: Int
        var holder: Holder
        var insurances: [Insurance]
        var employers: [Employer]
        var rows: [ContributionRow]
        var verificationCode: String
        var verifyUrl: String
        var issuedAt: String
    }

    static func certificate(for c: SeedCitizen, months: Int) -> Certificate {
        let now = currentMonth()
        let active = c.employers.contains { $0.to == nil }
        // The rows are the last `months` months the citizen was insured (a retiree's end at retirement).
        let end = active ? now : (c.employers.compactMap(\.to).max() ?? now)
        let rows = ContributionLedger.rows(for: c, from: ContributionLedger.shift(end, by: -(months - 1)), to: end, now: now)
        let first = c.employers.map(\.from).min() ?? now
        let career = ContributionLedger.rows(for: c, from: first, to: end, now: now)
        let insurances = ContributionLedger.rates.map { rate in
            Certificate.Insurance(
                insurance: rate.insurance, status: active ? "participating" : (c.pensioner ? "terminated" : "suspended"),
                paidMonths: career.filter { $0.insurance == rate.insurance && $0.status == "paid" }.count, from: first,
                to: active ? nil : c.employers.compactMap(\.to).max())
        }
        let code = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)).uppercased()
        let masked = String(c.name.prefix(1)) + String(repeating: "*", count: max(0, c.name.count - 1))
        let ssn = String(c.ssn.prefix(4)) + String(repeating: "*", count: 10) + String(c.ssn.suffix(4))
        return Certificate(
            certificateNo: "CB" + code.prefix(10), months: months, holder: .init(name: masked, ssn: ssn), insurances: insurances,
            employers: c.employers.map { .init(employer: $0.employer, from: $0.from, to: $0.to) }, rows: rows,
            verificationCode: code, verifyUrl: "https://hub.example/verify?code=\(code)", issuedAt: rfc3339(.now))
    }
}
