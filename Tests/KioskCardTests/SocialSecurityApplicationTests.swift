import KioskCard
import KioskCore
import Synchronization
import Testing

@Suite struct SocialSecurityApplicationTests {
    let atr = Hex.decode("3B6D00000087CF20018649618B00930612")!

    @Test func readsAGeneration2Card() async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        let result = try await SocialSecurityApplication(channel: card).read(atr: atr)
        let c = result.card
        #expect(c.generation == 2)
        #expect(c.cardNumber == "X00000019")
        #expect(c.holder?.ssn == "11010519491231002X")
        #expect(c.holder?.name == "张三")
        #expect(c.holder?.birthDate?.description == "1949-12-31")
        #expect(c.expiryDate?.description == "2028-03-01")
        #expect(c.regionCode == "110100")
        #expect(c.idChecksumValid)
        #expect(c.ssnMasked == "1101**********002X")
        #expect(c.nameMasked == "张*")
        #expect(result.notes.isEmpty)
    }

    /// At 9600 baud every APDU costs the citizen tens of milliseconds: a session's read sends the
    /// application's SELECT and the records the menu, the hub's lookup and the card status use,
    /// each once, by SFI (no SELECT of an EF), and hands the identity over before the name.
    @Test func aSessionReadSendsOnlyWhatItNeedsOnceAndTellsTheIdentityBeforeTheName() async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        let told = Mutex<(identity: CardIdentity?, calls: Int)>((nil, 0))
        let app = SocialSecurityApplication(channel: card)
        let result = try await app.read(atr: atr, extent: .session) { identity in
            told.withLock {
                $0.identity = identity
                $0.calls += 1
            }
        }
        let commands = await card.commands
        let recordsRead = commands.filter { $0[1] == 0xB2 }.map { [$0[3] >> 3, $0[2]] }
        #expect(commands.first?[1] == 0xA4 && commands.first?[2] == 0x04)
        #expect(commands.filter { $0[1] == 0xA4 }.count == 1)
        #expect(recordsRead == [[5, 0x01], [5, 0x03], [5, 0x07], [6, 0x08], [6, 0x09], [5, 0x06]])
        #expect(Set(commands).count == commands.count)
        #expect(
            told.withLock { $0.identity }
                == CardIdentity(ssn: "11010519491231002X", cardNumber: "X00000019", cardIdentifier: result.card.cardIdentifier))
        #expect(result.card.holder?.name == "张三")
        #expect(result.card.expiryDate?.description == "2028-03-01")
        // Not read for a session; the age comes from the ID number.
        #expect(result.card.holder?.birthDate == nil && result.card.issueDate == nil && result.card.institution == nil)
    }

    @Test func theIdentityIsToldBeforeTheNameIsAsked() async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        let sentWhenTold = Mutex<Int?>(nil)
        let recorder = CountingChannel(card)
        _ = try await SocialSecurityApplication(channel: recorder).read(atr: atr, extent: .session) { _ in
            sentWhenTold.withLock { $0 = recorder.sent }
        }
        // SELECT, EF05 01/03/07, EF06 08: five commands, then the lookup may start.
        #expect(sentWhenTold.withLock { $0 } == 5)
    }

    @Test func aGeneration3SessionReadAuthenticatesOnceAndReadsTheNameExtension() async throws {
        let card = ScriptedCard(records: CardFixtures.records(generation: 3, name: "阿卜杜热合曼·买买提依明", nameExtension: "·艾尔肯江"))
        await card.configure { $0.generation3Key = Array(0...15) }
        let app = SocialSecurityApplication(channel: card, authenticator: TestKeyAuthenticator(key: Array(0...15)))
        let result = try await app.read(atr: atr, extent: .session)
        #expect(result.card.holder?.name == "阿卜杜热合曼·买买提依明·艾尔肯江")
        #expect(result.card.expiryDate != nil)
        let commands = await card.commands
        #expect(commands.filter { $0[1] == 0x82 }.count == 1)
        #expect(Set(commands.filter { $0[1] == 0xB2 }).count == commands.filter { $0[1] == 0xB2 }.count)
    }

    @Test func followsT0GetResponseAndWrongLe() async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        await card.configure { $0.t0 = true }
        let result = try await SocialSecurityApplication(channel: card).read(atr: atr)
        #expect(result.card.holder?.name == "张三")
        let commands = await card.commands
        #expect(commands.contains { $0.count == 5 && $0[1] == 0xC0 })
    }

    @Test func sixCxxReissuesWithTheCardsLength() async throws {
        var records = CardFixtures.records()
        // A card whose number record is shorter than the standard's 9 bytes: the reader's exact
        // Le is wrong, the card says 6Cxx, the transport re-issues.
        records[0xEF05]![0x07] = CardFixtures.tlv(0x07, CardFixtures.ascii("X0000019"))
        let card = ScriptedCard(records: records)
        let result = try await SocialSecurityApplication(channel: card).read(atr: atr)
        #expect(result.card.cardNumber == "X0000019")
    }

    @Test func generation3WithoutAuthenticatorReturnsFreeFieldsAndSaysAPSAMIsNeeded() async throws {
        let card = ScriptedCard(records: CardFixtures.records(generation: 3))
        await card.configure { $0.generation3Key = Array(0...15) }
        let result = try await SocialSecurityApplication(channel: card).read(atr: atr)
        #expect(result.card.generation == 3)
        #expect(result.card.cardNumber == "X00000019")
        #expect(result.card.holder == nil)
        #expect(result.card.expiryDate == nil)
        #expect(result.notes.contains { $0.contains("PSAM") })
    }

    @Test func generation3WithTheTestKeyReadsEverythingIncludingTheNameExtension() async throws {
        let card = ScriptedCard(records: CardFixtures.records(generation: 3, name: "阿卜杜热合曼·买买提依明", nameExtension: "·艾尔肯江"))
        await card.configure { $0.generation3Key = Array(0...15) }
        let app = SocialSecurityApplication(channel: card, authenticator: TestKeyAuthenticator(key: Array(0...15)))
        let result = try await app.read(atr: atr)
        #expect(result.card.holder?.name == "阿卜杜热合曼·买买提依明·艾尔肯江")
        #expect(result.card.expiryDate != nil)
    }

    @Test func aWrongTerminalKeyLeavesTheHolderUnreadAndSaysSo() async throws {
        let card = ScriptedCard(records: CardFixtures.records(generation: 3))
        await card.configure { $0.generation3Key = Array(0...15) }
        let app = SocialSecurityApplication(channel: card, authenticator: TestKeyAuthenticator(key: Array(repeating: 7, count: 16)))
        let result = try await app.read(atr: atr)
        #expect(result.card.holder == nil)
        #expect(result.card.protectedDataProblem == .keyRefused)
        // The card's free fields are still there: the citizen is not turned away as if the card were bad.
        #expect(result.card.cardNumber.isEmpty == false)
    }

    @Test func a6988RefusalIsAlsoTheKeyRefused() async throws {
        let card = ScriptedCard(records: CardFixtures.records(generation: 3))
        await card.configure {
            $0.generation3Key = Array(0...15)
            $0.refusal = [0x69, 0x88]
        }
        let app = SocialSecurityApplication(channel: card, authenticator: TestKeyAuthenticator(key: Array(repeating: 7, count: 16)))
        #expect(try await app.read(atr: atr).card.protectedDataProblem == .keyRefused)
    }

    @Test func aPSAMThatFailsLeavesTheHolderUnreadWithItsProblem() async throws {
        struct FailingPSAM: CardAuthenticator {
            let problem: ProtectedDataProblem
            func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8] {
                throw PSAMFailure(problem, "scripted")
            }
        }
        for problem in [ProtectedDataProblem.psamMissing, .notPSAM, .psamError] {
            let card = ScriptedCard(records: CardFixtures.records(generation: 3))
            await card.configure { $0.generation3Key = Array(0...15) }
            let result = try await SocialSecurityApplication(channel: card, authenticator: FailingPSAM(problem: problem)).read(atr: atr)
            #expect(result.card.holder == nil)
            #expect(result.card.protectedDataProblem == problem)
            // Nothing after the failed authentication asks for a protected record.
            #expect(await card.commands.contains { $0[1] == 0x82 } == false)
        }
    }

    @Test func aNonSSCCardIsNamedAsSuch() async throws {
        let card = ScriptedCard(records: [:])
        await card.configure { $0.isSSC = false }
        do {
            _ = try await SocialSecurityApplication(channel: card).read(atr: atr)
            Issue.record("expected notSocialSecurityCard")
        } catch let error as KioskError {
            #expect(error.code == .notSocialSecurityCard)
        }
    }

    @Test(arguments: [
        (UInt16(0xEF06), UInt8(0x09), [UInt8]([0x09, 0x1E, 0xD5, 0xC5])),  // length claims 30, carries 2
        (UInt16(0xEF05), UInt8(0x07), [UInt8]([0x17, 0x09] + Array("X00000019".utf8))),  // wrong tag
        (UInt16(0xEF05), UInt8(0x06), [UInt8]([0x06, 0x04, 0x20, 0x2A, 0x13, 0x01])),  // not BCD
        (UInt16(0xEF06), UInt8(0x08), [UInt8]([0x08, 0x02, 0x01, 0x02])),  // SSN not 18 ASCII
    ])
    func damagedRecordsAreACardProtocolError(ef: UInt16, tag: UInt8, record: [UInt8]) async throws {
        var records = CardFixtures.records()
        records[ef]![tag] = record
        let card = ScriptedCard(records: records)
        do {
            _ = try await SocialSecurityApplication(channel: card).read(atr: atr)
            Issue.record("expected a protocol error")
        } catch let error as KioskError {
            #expect(error.code == .cardProtocol, "\(error)")
        }
    }

    @Test func cardPulledAfterEachAPDUIsReportedAsRemoved() async throws {
        let complete = ScriptedCard(records: CardFixtures.records())
        _ = try await SocialSecurityApplication(channel: complete).read(atr: atr)
        let total = await complete.commands.count
        #expect(total > 10)
        for n in 0..<total {
            let card = ScriptedCard(records: CardFixtures.records())
            await card.configure { $0.removeAfter = n }
            do {
                _ = try await SocialSecurityApplication(channel: card).read(atr: atr)
                Issue.record("read succeeded although the card left after \(n) APDUs")
            } catch let error as KioskError {
                #expect(error.code == .cardRemoved)
            }
        }
    }

    @Test func pinOutcomes() async throws {
        let card = ScriptedCard(records: CardFixtures.records())
        let app = SocialSecurityApplication(channel: card)
        #expect(try await app.verifyPIN("123456") == .verified)
        #expect(try await app.verifyPIN("000000") == .wrong(triesLeft: 2))
        #expect(try await app.verifyPIN("000000") == .wrong(triesLeft: 1))
        #expect(try await app.verifyPIN("000000") == .blocked)
        #expect(try await app.verifyPIN("123456") == .blocked)
        await #expect(throws: KioskError.self) { try await app.verifyPIN("12a4") }
    }
}

/// Counts the commands sent through it, readable at once from a synchronous callback.
final class CountingChannel: CardChannel {
    private let inner: any CardChannel
    private let count = Mutex(0)
    var sent: Int { count.withLock { $0 } }

    init(_ inner: any CardChannel) { self.inner = inner }

    func transmit(_ command: [UInt8]) async throws -> [UInt8] {
        count.withLock { $0 += 1 }
        return try await inner.transmit(command)
    }
}
