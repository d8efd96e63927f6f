import ArgumentParser
import Foundation
import KioskCard
import KioskCore

/// `kiosk-bench card`: card-present event → identity ready through our reader (a session's read,
/// as kioskd does it), against the same APDU sequence replayed by a minimal raw SCardTransmit
/// loop, alternated in one run.
struct CardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "card", abstract: "Card read: ours vs raw SCardTransmit.")

    @Option(help: "The reader holding the virtual card.") var reader = "Virtual PCD 00 00"
    @Option(help: "Reads per side.") var reads = 200
    @Option(help: "The reader holding the PSAM: a generation-3 card is read through it.") var psamReader: String?
    @Option(help: "The goal's name.") var goal = "card-read-median"

    func run() async throws {
        // Wait for the card the script inserted, as the daemon would: from the monitor's event.
        var atr: [UInt8] = []
        var eventAt = ContinuousClock.now
        for await event in PCSCReaderMonitor.events() {
            if case .cardInserted(let r, let a) = event, r == reader {
                atr = a
                eventAt = .now
                break
            }
        }
        // As kioskd holds it: one connection to the PSAM for the whole run.
        let authenticator = psamReader.map { PSAMAuthenticator(reader: $0, keepsConnection: true) }
        // The first read, straight from the card-present event.
        let first = try await PCSCCardReader(readerName: reader, authenticator: authenticator).read(
            reader: reader, atr: atr, since: eventAt, extent: .session)
        guard first.result.card.holder != nil else { throw ValidationError("the card read without holder data") }

        // Record our APDU sequence once, to replay it raw.
        let connection = try await PCSCCardConnection(reader: reader)
        let recorder = RecordingChannel(connection)
        _ = try await SocialSecurityApplication(channel: recorder, authenticator: authenticator).read(atr: atr, extent: .session)
        let commands = await recorder.commands
        await connection.disconnect()
        let key = PSAMAuthenticator.Key.standard
        var relay: (link: RawPSAM, initCommand: [UInt8])?
        if let psamReader {
            guard let link = RawPSAM(reader: psamReader) else {
                throw ValidationError("the raw loop cannot reach the PSAM in \(psamReader)")
            }
            relay = (link, [0x80, 0x1A, key.usage, key.version, 0x10] + first.result.card.cardIdentifier)
        }

        let ours = PCSCCardReader(readerName: reader, authenticator: authenticator)
        var oursMs: [Double] = []
        var rawMs: [Double] = []
        for i in 0..<(reads + 10) {
            // Alternate sides so drift in machine load hits both alike; the first 10 warm up.
            let a = try await timeOurs(ours, atr: atr)
            let b = try await timedRawReplay(reader: reader, commands: commands, psam: relay)
            if i >= 10 {
                oursMs.append(a)
                rawMs.append(b)
            }
        }
        let o = Sample(values: oursMs)
        let r = Sample(values: rawMs)
        let ratio = o.median / r.median
        let relayed = psamReader.map { " + 3 PSAM APDUs through \($0)" } ?? ""
        print(
            "card read: \(reads) reads a side, generation \(first.result.card.generation), \(commands.count) card APDUs\(relayed) a read, "
                + "reader \(reader), protocol \(first.activeProtocol)")
        print("| path | median ms | p95 ms | ratio (median) |")
        print("|---|---|---|---|")
        print("| raw SCardTransmit loop (baseline) | \(fmt(r.median)) | \(fmt(r.percentile(95))) | 1.00 |")
        print("| kioskd PCSCCardReader | \(fmt(o.median)) | \(fmt(o.percentile(95))) | \(fmt(ratio, 2)) |")
        print("first read from the card-present event: \(fmt(first.elapsed.milliseconds)) ms")
        print(goalLine(goal, measured: "\(fmt(ratio, 2))x raw", target: "<= 1.10x raw", met: ratio <= 1.10))
    }

    private func timeOurs(_ reader: PCSCCardReader, atr: [UInt8]) async throws -> Double {
        let start = ContinuousClock.now
        let reading = try await reader.read(reader: self.reader, atr: atr, since: start, extent: .session)
        guard reading.result.card.holder != nil else { throw ValidationError("the card read without holder data") }
        return reading.elapsed.milliseconds
    }
}
