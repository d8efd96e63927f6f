import KioskCard
import KioskCore
import Testing

/// An in-process PSAM for the logic of the relay: which APDUs go out, how 61xx is followed, and
/// how each status word becomes a PSAMFailure. The integration tests use devices/virtual-psam.
actor ScriptedPSAM: CardChannel {
    var answers: [UInt8: [UInt8]] = [:]  // INS → answer (data + SW)
    var t0 = true
    private var pending: [UInt8] = []
    private(set) var commands: [[UInt8]] = []

    func configure(_ body: @Sendable (isolated ScriptedPSAM) -> Void) { body(self) }

    func transmit(_ c: [UInt8]) async throws -> [UInt8] {
        commands.append(c)
        if c[1] == 0xC0 {
            defer { pending = [] }
            return pending + [0x90, 0x00]
        }
        let answer = answers[c[1]] ?? [0x6D, 0x00]
        if t0, answer.count > 2 {
            pending = Array(answer.dropLast(2))
            return [0x61, UInt8(pending.count)]
        }
        return answer
    }
}

@Suite struct PSAMApplicationTests {
    let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
    let identifier: [UInt8] = Array(0x40..<0x50)

    @Test func theCryptogramIsTwoCommandsAndAGetResponse() async throws {
        let psam = ScriptedPSAM()
        await psam.configure { $0.answers = [0x1A: [0x90, 0x00], 0xFA: Array(0xA0..<0xB0) + [0x90, 0x00]] }
        let result = try await PSAMApplication(channel: psam).cryptogram(key: .standard, challenge: challenge, diversification: identifier)
        #expect(result == Array(0xA0..<0xB0))
        let sent = await psam.commands
        #expect(sent.count == 3)
        #expect(sent[0] == [0x80, 0x1A, 0x27, 0x01, 0x10] + identifier)
        #expect(sent[1] == [0x80, 0xFA, 0x00, 0x00, 0x10] + challenge + [UInt8](repeating: 0, count: 8) + [0x10])
        #expect(sent[2] == [0x00, 0xC0, 0x00, 0x00, 0x10])
    }

    @Test func eachStatusWordIsThePSAMsProblem() async throws {
        let cases: [([UInt8], ProtectedDataProblem)] = [
            ([0x6A, 0x82], .notPSAM), ([0x6D, 0x00], .notPSAM), ([0x6E, 0x00], .notPSAM),
            ([0x65, 0x81], .psamError), ([0x6A, 0x88], .psamError), ([0x69, 0x85], .psamError),
        ]
        for (sw, problem) in cases {
            let psam = ScriptedPSAM()
            await psam.configure { $0.answers = [0x1A: sw] }
            do {
                _ = try await PSAMApplication(channel: psam).cryptogram(key: .standard, challenge: challenge, diversification: identifier)
                Issue.record("\(sw) was taken as success")
            } catch let failure as PSAMFailure {
                #expect(failure.problem == problem, "\(sw)")
            }
        }
    }

    @Test func aShortCryptogramIsAnError() async throws {
        let psam = ScriptedPSAM()
        await psam.configure { $0.answers = [0x1A: [0x90, 0x00], 0xFA: [1, 2, 3, 0x90, 0x00]] }
        await #expect(throws: PSAMFailure.self) {
            try await PSAMApplication(channel: psam).cryptogram(key: .standard, challenge: challenge, diversification: identifier)
        }
    }

    @Test func aPSAMPulledMidwayIsMissingNotTheCitizensCardRemoved() async throws {
        actor Pulled: CardChannel {
            func transmit(_ c: [UInt8]) async throws -> [UInt8] { throw KioskError(.cardRemoved, "removed") }
        }
        do {
            _ = try await PSAMApplication(channel: Pulled()).cryptogram(key: .standard, challenge: challenge, diversification: identifier)
            Issue.record("no failure")
        } catch let failure as PSAMFailure {
            #expect(failure.problem == .psamMissing)
        }
    }

    @Test func theTerminalNumberAndTheKeyAreIdentified() async throws {
        let psam = ScriptedPSAM()
        await psam.configure { $0.answers = [0xB0: [0x44, 0x01, 0x00, 0x00, 0x00, 0x01, 0x90, 0x00], 0x1A: [0x6A, 0x88]] }
        let app = PSAMApplication(channel: psam)
        #expect(try await app.terminalNumber() == "440100000001")
        #expect(try await app.hasKey(.standard) == false)
    }

    @Test func aCardThatIsNotAPSAMSaysSoAtTheTerminalNumber() async throws {
        let psam = ScriptedPSAM()
        await psam.configure { $0.answers = [0xB0: [0x6A, 0x82]] }
        do {
            _ = try await PSAMApplication(channel: psam).terminalNumber()
            Issue.record("no failure")
        } catch let failure as PSAMFailure {
            #expect(failure.problem == .notPSAM)
        }
    }
}
