import Foundation
import Hummingbird

/// `GET /v1/documents/{code}`: anyone checks a printed paper. A receipt's code names a journal
/// record (`R-{seq}-{hash8}-{kioskId}`), checked against the hub's copy of that kiosk's journal;
/// any other code is a certificate's verification code, checked against the certificates issued.
/// No X-Kiosk-Id: the person checking is not a kiosk.
extension HubSimulator {
    struct DocumentStatus: Encodable {
        var code: String
        var kind: String
        var status: String
        var kioskId: String?
        var issuedAt: String?

        // kioskId and issuedAt are null when unknown, so the keys never vary.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(kind, forKey: .kind)
            try c.encode(status, forKey: .status)
            try c.encode(kioskId, forKey: .kioskId)
            try c.encode(issuedAt, forKey: .issuedAt)
        }
        enum CodingKeys: String, CodingKey { case code, kind, status, kioskId, issuedAt }
    }

    static func addDocumentRoutes(_ router: Router<SimRequestContext>, state: HubState) {
        router.get("/v1/documents/:code") { request, context -> SimReply in
            let code = context.parameters.get("code") ?? ""
            guard !code.isEmpty, code.count <= 200 else {
                return Reply.problem(.badRequest, code: "bad-request", title: "a document code", requestId: request.requestId)
            }
            if let receipt = ReceiptCode(code) {
                guard let record = await state.journalRecord(kioskId: receipt.kioskId, seq: receipt.seq) else {
                    return Reply.json(.ok, DocumentStatus(code: code, kind: "receipt", status: "unknown", kioskId: receipt.kioskId))
                }
                let matches = record.hash.lowercased().hasPrefix(receipt.hash8)
                let time = (try? JSONSerialization.jsonObject(with: record.json) as? [String: Any])?["time"] as? String
                return Reply.json(
                    .ok,
                    DocumentStatus(
                        code: code, kind: "receipt", status: matches ? "valid" : "mismatch", kioskId: receipt.kioskId,
                        issuedAt: matches ? time : nil))
            }
            if let issued = await state.issuedCertificate(code) {
                let status = DocumentStatus(
                    code: code, kind: "certificate", status: "valid", kioskId: issued.kioskId, issuedAt: issued.issuedAt)
                return Reply.json(.ok, status)
            }
            return Reply.json(.ok, DocumentStatus(code: code, kind: "certificate", status: "unknown"))
        }
    }

    /// `R-{seq}-{hash8}-{kioskId}`, read the contract's way (the reference hub shares no code with the kiosk).
    struct ReceiptCode {
        var seq: Int
        var hash8: String
        var kioskId: String

        init?(_ text: String) {
            let parts = text.split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "R", let seq = Int(parts[1]), seq > 0, parts[2].count == 8,
                parts[2].allSatisfy(\.isHexDigit), !parts[3].isEmpty
            else { return nil }
            self.seq = seq
            hash8 = parts[2].lowercased()
            kioskId = String(parts[3])
        }
    }
}
