import KioskTesting
import Testing

@testable import KioskCore

/// Receipt codes as the hub contract writes them: R-{seq}-{hash8}-{kioskId}.
@Suite struct DocumentCodeTests {
    @Test func aCodeIsItsRecordsSeqHashPrefixAndKiosk() throws {
        let code = DocumentCode(kioskId: "KIOSK-E2E-0001", seq: 1042, hash: "3FA9C1D2" + String(repeating: "0", count: 56))
        #expect(code.text == "R-1042-3fa9c1d2-KIOSK-E2E-0001")
        let parsed = try #require(DocumentCode(code.text))
        #expect(parsed == code)
        #expect(parsed.verdict(recordHash: "3fa9c1d2ffff") == .valid)
        #expect(parsed.verdict(recordHash: "3fa9c1d3ffff") == .mismatch)
        #expect(parsed.verdict(recordHash: nil) == .unknown)
    }

    @Test(arguments: [
        "", "R-", "R-0-3fa9c1d2-K", "R-12-3fa9c1d-K", "R-12-3fa9c1dz-K", "R-12-3fa9c1d2-", "X-12-3fa9c1d2-K", "R-+1-3fa9c1d2-K",
        "5E1F0C2A9B7D4E31",
    ])
    func otherTextIsNoReceiptCode(_ text: String) {
        #expect(DocumentCode(text) == nil)
    }

    @Test func theIssuedRecordIsAPrintRecordWithoutPersonalData() {
        let entry = JournalEntry.documentIssued(kind: .receipt, requestId: "req-1", sessionId: "s-1")
        #expect(entry.kind == .print && entry.sessionId == "s-1" && entry.subjectRef == nil && entry.display.isEmpty)
        #expect(entry.payload == ["kind": .string("receipt"), "requestId": .string("req-1"), "state": .string("issued")])
    }
}

/// A certificate's numbers go into its print record only as a journal may hold them.
@Suite struct CertificateIdentityTests {
    @Test func theHubsNumbersAreKeptUnlessTheyCouldNotBeJournalled() {
        var certificate = SessionFixtures.certificate
        certificate.certificateNo = "CERT-2026-000123"
        certificate.verificationCode = "V7K2-9QXA"
        #expect(
            SessionMachine.certificateIdentity(certificate) == [
                "certificateNo": .string("CERT-2026-000123"), "verificationCode": .string("V7K2-9QXA"),
            ])
        // A number whose digits read as a resident ID would get the whole record refused.
        certificate.certificateNo = "NO11010519491231002X"
        certificate.verificationCode = "has space"
        #expect(SessionMachine.certificateIdentity(certificate).isEmpty)
        let entry = JournalEntry(kind: .print, payload: SessionMachine.certificateIdentity(SessionFixtures.certificate))
        #expect(entry.problem() == nil)
    }
}
