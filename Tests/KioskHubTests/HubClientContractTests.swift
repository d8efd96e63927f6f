import Foundation
import KioskCore
import KioskHub
import Testing

/// The client against the reference hub over real HTTP on loopback: the contract's happy paths.
@Suite struct HubClientContractTests {
    @Test func resolvesTheCardHolderAndReadsTheirData() async throws {
        try await HubFixtures.withHub { hub, _ in
            let subject = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            #expect(subject.displayName == "张*")
            #expect(subject.cardStatus == "active")
            #expect(!subject.subjectRef.contains(HubFixtures.ssn))
            let rows = try await hub.contributions(subjectRef: subject.subjectRef, from: "2009-01", to: "2009-12")
            #expect(rows.count == 12 * 5)
            #expect(rows.allSatisfy { $0.base == 520000 && $0.status == "paid" })
            let payments = try await hub.pensionPayments(subjectRef: subject.subjectRef, year: 2025)
            #expect(payments.count == 12)
        }
    }

    @Test func aCertificateRequestRetriedWithTheSameKeyIsTheSameCertificate() async throws {
        try await HubFixtures.withHub { hub, _ in
            let s = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            let key = UUID().uuidString
            let first = try await hub.issueCertificate(subjectRef: s.subjectRef, months: 24, idempotencyKey: key)
            let again = try await hub.issueCertificate(subjectRef: s.subjectRef, months: 24, idempotencyKey: key)
            #expect(first.certificateNo == again.certificateNo)
            #expect(first.verificationCode == again.verificationCode)
            #expect(first.holder.ssn == "1101**********002X")
            #expect(first.rows.count == 24 * 5)
            let other = try await hub.issueCertificate(subjectRef: s.subjectRef, months: 24, idempotencyKey: UUID().uuidString)
            #expect(other.certificateNo != first.certificateNo)
        }
    }

    @Test func anUnknownCardIsATypedProblem() async throws {
        try await HubFixtures.withHub { hub, _ in
            await #expect {
                try await hub.resolveSubject(ssn: HubFixtures.ssn, cardNumber: "X99999999", cardIdentifier: HubFixtures.cardIdentifier)
            } throws: { error in
                guard let p = error as? HubProblem else { return false }
                return p.status == 404 && p.code == "no-reference-record" && p.requestId != nil
            }
        }
    }

    /// The electronic social security card: a code the hub minted resolves to its citizen; an
    /// expired one and an unknown one are the contract's typed problems.
    @Test func aScannedCodeResolvesAndRefusedCodesAreTypedProblems() async throws {
        try await HubFixtures.withHub { hub, sim in
            func mint(_ ttl: Int) async throws -> String {
                let data = try await sim.request("POST", "sim/essc-tokens", body: #"{"profile":"gen2","ttlSeconds":\#(ttl)}"#)
                return try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["esscToken"] as? String)
            }
            let subject = try await hub.resolveSubject(esscToken: try await mint(300))
            #expect(subject.displayName == "张*" && subject.credential == "essc" && subject.birthDate?.count == 10)
            let card = try await hub.resolveSubject(
                ssn: HubFixtures.ssn, cardNumber: HubFixtures.cardNumber, cardIdentifier: HubFixtures.cardIdentifier)
            #expect(subject.subjectRef == card.subjectRef, "the same citizen")
            let expired = try await mint(-1)
            for (token, status, code) in [(expired, 410, "essc-expired"), ("ESSC1.not-a-code-the-hub-knows", 404, "essc-invalid")] {
                await #expect {
                    try await hub.resolveSubject(esscToken: token)
                } throws: { error in
                    guard let p = error as? HubProblem else { return false }
                    return p.status == status && p.code == code
                }
            }
        }
    }

    @Test func theSameKeyWithAnotherBodyIs422() async throws {
        try await HubFixtures.withHub { _, sim in
            let headers = ["X-Kiosk-Id": "K", "Idempotency-Key": UUID().uuidString]
            try await sim.request("POST", "v1/ratings", body: #"{"transactionId":"t1","service":"s","score":5}"#, headers: headers)
            let second = try await sim.request(
                "POST", "v1/ratings", body: #"{"transactionId":"t1","service":"s","score":1}"#, headers: headers)
            #expect(String(decoding: second, as: UTF8.self).contains("idempotency-key-reused"))
        }
    }

    /// The contract's Idempotency-Key is a UUID; the reference hub refuses anything else, so
    /// every key the kiosk makes is held to it by every test that reaches the hub.
    @Test func anIdempotencyKeyThatIsNotAUUIDIsRefused() async throws {
        try await HubFixtures.withHub { _, sim in
            let answer = try await sim.request(
                "POST", "v1/ratings", body: #"{"transactionId":"t1","service":"s","score":5}"#,
                headers: ["X-Kiosk-Id": "K", "Idempotency-Key": "rating-t1"])
            #expect(String(decoding: answer, as: UTF8.self).contains("idempotency-key-invalid"))
        }
    }

    @Test func aRatingSentTwiceCountsOnce() async throws {
        try await HubFixtures.withHub { hub, sim in
            try await hub.submitRating(transactionId: "tx-1", service: "certificate", score: 5, comment: nil)
            try await hub.submitRating(transactionId: "tx-1", service: "certificate", score: 5, comment: nil)
            let ratings = try await sim.json("sim/ratings") as? [String: [Any]]
            #expect(ratings?["ratings"]?.count == 1)
        }
    }

    @Test func journalBatchesAreIdempotentAndLinked() async throws {
        try await HubFixtures.withHub { hub, sim in
            func record(_ seq: Int, _ prev: String, _ hash: String, kiosk: String = "KIOSK-TEST-0001") -> Data {
                Data(#"{"hash":"\#(hash)","kioskId":"\#(kiosk)","kind":"session-start","prevHash":"\#(prev)","seq":\#(seq)}"#.utf8)
            }
            let batch = [record(1, "00", "aa"), record(2, "aa", "bb")]
            #expect(try await hub.postJournal(recordsJSON: batch, key: UUID().uuidString) == 2)
            #expect(try await hub.postJournal(recordsJSON: batch, key: UUID().uuidString) == 2)
            await #expect { try await hub.postJournal(recordsJSON: [record(2, "aa", "XX")], key: UUID().uuidString) } throws: {
                ($0 as? HubProblem)?.status == 409
            }
            await #expect { try await hub.postJournal(recordsJSON: [record(3, "zz", "cc")], key: UUID().uuidString) } throws: {
                ($0 as? HubProblem)?.status == 409
            }
            await #expect {
                try await hub.postJournal(recordsJSON: [record(3, "bb", "cc", kiosk: "OTHER")], key: UUID().uuidString)
            } throws: {
                ($0 as? HubProblem)?.status == 403
            }
            let stored = try await sim.json("sim/journal/KIOSK-TEST-0001") as? [String: [Any]]
            #expect(stored?["records"]?.count == 2)
        }
    }
}
