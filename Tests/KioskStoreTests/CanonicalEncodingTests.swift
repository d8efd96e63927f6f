import Foundation
import KioskCore
import KioskStore
import Testing

@Suite struct CanonicalEncodingTests {
    static let record = JournalRecord(
        kioskId: "K-1", seq: 7, time: "2025-03-01T08:30:00.123Z", kind: .cardRead, sessionId: "S\"1", subjectRef: nil,
        display: ["name": "张*", "b": "tab\there\u{1}"], payload: ["z": .int(-3), "a": .bool(false), "m": .string("a/b\\c")],
        prevHash: String(repeating: "0", count: 64), hash: "ignored")

    @Test func encodesSortedCompactJSONWithoutHash() {
        let text = String(decoding: JournalCanonical.encode(Self.record), as: UTF8.self)
        let expected =
            #"{"display":{"b":"tab\there\u0001","name":"张*"},"kind":"card-read","kioskId":"K-1","#
            + #""payload":{"a":false,"m":"a/b\\c","z":-3},"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","#
            + #""seq":7,"sessionId":"S\"1","time":"2025-03-01T08:30:00.123Z"}"#
        #expect(text == expected)
    }

    @Test func canonicalTextParsesAsTheSameJSON() throws {
        let bytes = JournalCanonical.encode(Self.record)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["hash"] == nil)
        #expect(object["subjectRef"] == nil)
        #expect((object["display"] as? [String: String])?["b"] == "tab\there\u{1}")
    }

    @Test func hashIsSHA256OfTheCanonicalBytes() {
        // echo -n '{"display":{},"kind":"maintenance","kioskId":"K","payload":{},"prevHash":"00…","seq":1,"time":"T"}' | sha256sum
        let record = JournalRecord(
            kioskId: "K", seq: 1, time: "T", kind: .maintenance, sessionId: nil, subjectRef: nil, display: [:], payload: [:],
            prevHash: JournalRecord.genesisHash, hash: "")
        #expect(JournalChain.hash(of: record) == "0b603d1bea9c365fcef7d2b0dca2a253b6179f2a38daeb4ab8650d8aee642bd7")
    }

    @Test(arguments: ["a", "card.atr", "x-1_2", String(repeating: "k", count: 64)])
    func acceptsPlainKeys(key: String) { #expect(JournalCanonical.isValidKey(key)) }

    @Test(arguments: ["", "姓名", "a b", "a\"", String(repeating: "k", count: 65)])
    func refusesOtherKeys(key: String) {
        #expect(!JournalCanonical.isValidKey(key))
        #expect(JournalEntry(kind: .maintenance, payload: [key: .int(1)]).problem() != nil)
    }

    @Test func refusesAResidentIDNumberAnywhere() {
        #expect(JournalEntry(kind: .cardRead, display: ["ssn": "11010519491231002X"]).problem() != nil)
        #expect(JournalEntry(kind: .cardRead, payload: ["note": .string("id 11010519491231002x here")]).problem() != nil)
        #expect(JournalEntry(kind: .cardRead, sessionId: "11010519491231002X").problem() != nil)
        #expect(JournalEntry(kind: .cardRead, display: ["ssn": "1101**********002X"]).problem() == nil)
        // 18 digits with a wrong check character are not an ID number (a card serial, say).
        #expect(JournalEntry(kind: .cardRead, payload: ["n": .string("110105194912310021")]).problem() == nil)
    }

    @Test func refusesIntegersJSONCannotKeepExactly() {
        #expect(JournalEntry(kind: .maintenance, payload: ["n": .int(1 << 53)]).problem() != nil)
        #expect(JournalEntry(kind: .maintenance, payload: ["n": .int((1 << 53) - 1)]).problem() == nil)
    }
}

@Suite struct StoreTimeTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (1_740_817_800.1234, "2025-03-01T08:30:00.123Z"),
        (1_740_817_800.9996, "2025-03-01T08:30:00.999Z"), (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        (-1.5, "1969-12-31T23:59:58.500Z"), (4_102_444_799.9994, "2099-12-31T23:59:59.999Z"),
    ])
    func formatsRFC3339UTCTruncatedToTheMillisecond(seconds: Double, text: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(StoreTime.format(date) == text)
        #expect(StoreTime.parse(text).map { abs($0.timeIntervalSince(date)) < 0.001 } == true)
    }
}
