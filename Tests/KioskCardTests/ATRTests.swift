import KioskCard
import KioskCore
import Testing

@Suite struct ATRTests {
    @Test func parsesTheSocialSecurityCardATR() throws {
        let atr = try ATR(Hex.decode("3B6D00000087CF20018649618B00930612")!)
        #expect(atr.ts == 0x3B)
        #expect(atr.groups.count == 1)
        #expect(atr.groups[0].tb == 0x00 && atr.groups[0].tc == 0x00 && atr.groups[0].ta == nil)
        #expect(atr.historicalBytes == Hex.decode("0087CF20018649618B00930612"))
        #expect(atr.protocols == [0])
        #expect(atr.tck == nil)
    }

    @Test func parsesInterfaceBytesProtocolsAndTCK() throws {
        // A typical T=1 card: TA1 TD1 (T=1) TA2? no: TD1=81 → TD2 follows; TD2=31 → TA3, TB3; TCK.
        let atr = try ATR(Hex.decode("3BF81300008131FE454A434F5076323431B7")!)
        #expect(atr.groups.count == 3)
        #expect(atr.protocols == [1])
        #expect(atr.historicalBytes.count == 8)
        #expect(atr.tck == 0xB7)
    }

    @Test(arguments: ["", "3B", "4B00", "3B6D0000", "3B6D00000087CF20018649618B009306120A", "3BF81300008131FE454A434F5076323431B8"])
    func rejectsMalformedATRs(_ hex: String) {
        #expect(throws: ATR.ParseError.self) { try ATR(Hex.decode(hex) ?? []) }
    }
}

@Suite struct CardTransportTests {
    actor Echo: CardChannel {
        var answers: [[UInt8]]
        var sent: [[UInt8]] = []
        init(_ answers: [[UInt8]]) { self.answers = answers }
        func transmit(_ command: [UInt8]) async throws -> [UInt8] {
            sent.append(command)
            return answers.removeFirst()
        }
    }

    @Test func chainsGetResponseWhileTheCardHasMore() async throws {
        let echo = Echo([[0x61, 0x02], [0xAA, 0xBB, 0x61, 0x01], [0xCC, 0x90, 0x00]])
        let r = try await CardTransport(echo).send([0x00, 0xB2, 0x01, 0x04, 0x00])
        #expect(r.data == [0xAA, 0xBB, 0xCC])
        #expect(r.isSuccess)
        #expect(await echo.sent[1] == [0x00, 0xC0, 0x00, 0x00, 0x02])
    }

    @Test func aCardThatNeverStopsIsCalledBroken() async throws {
        let echo = Echo(Array(repeating: [0x6C, 0x05], count: 20))
        await #expect(throws: CardProtocolError.self) { try await CardTransport(echo).send([0x00, 0xB2, 0x01, 0x04, 0x03]) }
    }

    @Test func aResponseShorterThanAStatusWordIsGarbage() async throws {
        await #expect(throws: CardProtocolError.self) { try await CardTransport(Echo([[0x90]])).send([0x00, 0xA4, 0x04, 0x00]) }
    }
}
