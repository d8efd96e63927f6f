import KioskCore
import Testing

@Suite struct HexTests {
    @Test func roundTrips() {
        let bytes: [UInt8] = [0x3B, 0x6D, 0x00, 0xFF]
        #expect(Hex.encode(bytes) == "3B6D00FF")
        #expect(Hex.decode("3b 6d 00 ff") == bytes)
    }

    @Test(arguments: ["3B6", "ZZ", "3B 6"])
    func rejectsMalformedText(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}

@Suite struct KioskErrorTests {
    @Test func contextIsAddedOutermostFirst() throws {
        let error = KioskError(.noCard, "no card").adding(context: "reading EF05").adding(context: "kioskctl card read")
        #expect(error.description == "kioskctl card read: reading EF05: no card")
        #expect(error.code == .noCard)
    }

    @Test func duringWrapsThrownErrors() {
        #expect(throws: KioskError(.timeout, "slow", context: ["outer"])) {
            try KioskError.during("outer") { throw KioskError(.timeout, "slow") }
        }
    }
}

@Suite struct ConfigurationValidationTests {
    @Test func defaultsAreValid() {
        #expect(KioskConfiguration().validationErrors().isEmpty)
    }

    @Test func badValuesAreEachNamed() {
        var c = KioskConfiguration()
        c.kiosk.id = "kiosk 1"
        c.hub.url = "ftp://hub"
        c.hub.timeoutSeconds = 0
        let errors = c.validationErrors()
        #expect(errors.contains { $0.hasPrefix("kiosk.id") })
        #expect(errors.contains { $0.hasPrefix("hub.url") })
        #expect(errors.contains { $0.hasPrefix("hub.timeoutSeconds") })
    }
}
