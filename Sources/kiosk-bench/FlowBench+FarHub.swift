import ArgumentParser
import Dispatch
import Foundation
import KioskCard
import KioskCore
import Synchronization

/// A citizen arriving at real speeds: the virtual card answering at the rate its ATR implies
/// (9600 baud without TA1, about 1.25 ms a byte) and the reference hub `hubLatencyMs` away.
extension FlowBench {
    struct FarArrival {
        var ours: Sample
        var rawCard: Sample
        var hubRoundTrip: Sample
        var floorAPDUs: Int
        var oursAPDUs: Int
        var floor: Double { rawCard.median + hubRoundTrip.median }
    }

    /// Each round: the timed card in → the menu, from pcscd's card-present event (seen by this
    /// process too, as kioskd sees it) to the menu on the screen. The floor, in the same round
    /// with the card still in and kioskd on its take-card screen: a raw SCardTransmit loop of
    /// the smallest APDU sequence the menu needs, plus one subject lookup by curl against the
    /// same far hub.
    func farArrivals(_ kiosk: BenchTerminal, rounds: Int) async throws -> FarArrival {
        let reader = "Virtual PCD 00 00"
        let card = ["\(FileManager.default.currentDirectoryPath)/devices/virtual-ssc/card"]
        let environment = ["KIOSK_BIN_DIR": bin]
        let seen = Mutex<[ContinuousClock.Instant]>([])
        let watcher = Task {
            for await event in PCSCReaderMonitor.events() {
                if case .cardInserted(let name, _) = event, name == reader { seen.withLock { $0.append(.now) } }
            }
        }
        defer { watcher.cancel() }
        try await Task.sleep(for: .milliseconds(500))  // the watcher has its first snapshot

        var ours: [Double] = []
        var rawCard: [Double] = []
        var hub: [Double] = []
        var floorCommands: [[UInt8]] = []
        var oursAPDUs = 0
        var lookup = ""
        for round in 0..<rounds {
            let before = seen.withLock { $0.count }
            _ = try await BenchTerminal.run(
                card + ["insert", "gen2", "--reader", "0", "--", "--quiet", "--baud-from-atr"], environment: environment)
            try await kiosk.waitFor("请选择要办理的业务")
            let menu = ContinuousClock.now
            guard let inserted = seen.withLock({ $0.count > before ? $0[before] : nil }) else {
                throw ValidationError("the menu showed before pcscd told this process of the card")
            }
            ours.append((menu - inserted).milliseconds)
            try await kiosk.press("BSpace")
            try await kiosk.waitFor("请取出您的社保卡")
            if round == 0 {
                // What kioskd sends, recorded once; the floor leaves out the expiry, which the
                // menu does not show (kioskd reads it while the hub answers).
                let connection = try await PCSCCardConnection(reader: reader)
                let recorder = RecordingChannel(connection)
                let read = try await SocialSecurityApplication(channel: recorder).read(atr: [], extent: .session)
                let commands = await recorder.commands
                await connection.disconnect()
                guard let holder = read.card.holder else { throw ValidationError("the timed card read without holder data") }
                oursAPDUs = commands.count
                floorCommands = commands.filter { !($0.count > 2 && $0[1] == 0xB2 && $0[2] == 0x06) }
                lookup =
                    #"{"ssn":"\#(holder.ssn)","cardNumber":"\#(read.card.cardNumber)","cardIdentifier":"\#(Hex.encode(read.card.cardIdentifier))"}"#
            }
            rawCard.append(try await timedRawReplay(reader: reader, commands: floorCommands))
            hub.append(try await curlLookup(lookup))
            _ = try await BenchTerminal.run(card + ["remove", "--reader", "0"], environment: environment)
            try await kiosk.waitFor("请插入社保卡")
        }
        return FarArrival(
            ours: Sample(values: ours), rawCard: Sample(values: rawCard), hubRoundTrip: Sample(values: hub),
            floorAPDUs: floorCommands.count, oursAPDUs: oursAPDUs)
    }

    /// One POST /v1/subjects/resolve by curl, its own time_total (its process start-up left out).
    private func curlLookup(_ body: String) async throws -> Double {
        let out = try await BenchTerminal.run([
            "/usr/bin/curl", "-sf", "-o", "/dev/null", "-w", "%{time_total}", "-X", "POST", "-H", "Content-Type: application/json",
            "-H", "X-Kiosk-Id: KIOSK-BENCH-0001", "-d", body, "http://127.0.0.1:8480/v1/subjects/resolve",
        ])
        guard let seconds = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("curl's subject lookup failed: \(out)")
        }
        return seconds * 1000
    }
}

/// Replays `commands` by the raw SCardTransmit loop, timed, on a thread of its own (the blocking
/// calls stay off the cooperative pool, as our reader keeps them).
func timedRawReplay(reader: String, commands: [[UInt8]], psam: (link: RawPSAM, initCommand: [UInt8])? = nil) async throws -> Double {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            let start = ContinuousClock.now
            let bytes = PCSCRawReplay.run(reader: reader, commands: commands, psam: psam)
            let elapsed = (ContinuousClock.now - start).milliseconds
            if bytes < 0 {
                continuation.resume(throwing: ValidationError("raw replay failed"))
            } else {
                continuation.resume(returning: elapsed)
            }
        }
    }
}
