import ArgumentParser
import Foundation
import KioskCard
import KioskCore

/// `kioskctl card readers|watch|read`: the card slot, straight from pcscd (no daemon needed).
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Card readers and the social security card.",
        subcommands: [Readers.self, Watch.self, Read.self])

    struct Readers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the PC/SC readers with card presence and ATR.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let readers: [ReaderStatus]
            do { readers = try await PCSCReaderDirectory().readers() } catch let error as KioskError {
                throw CardExit.fail(error)
            }
            if json {
                print(try JSONOutput.encode(readers))
            } else {
                if readers.isEmpty { print("no card reader is connected") }
                for r in readers { print("\(r.name)\t\(r.cardPresent ? "card \(r.atr ?? "")" : "no card")") }
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one line per reader or card event until interrupted.")
        @Flag(help: "Print JSON lines.") var json = false

        func run() async throws {
            // Written unbuffered: a watcher behind a pipe sees each event as it happens.
            for await event in PCSCReaderMonitor.events() {
                let line = json ? try JSONOutput.encode(CardEventLine(event)) : "\(Date.now.formatted(.iso8601)) \(event)"
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wait for a card, read it, print the masked identity and card data.",
            discussion: """
                Exit status: 0 read; 2 no card within the timeout; 3 not a social security card; \
                4 card removed during the read; 5 reader or pcscd unavailable; 6 card blocked, expired or invalid.
                """)

        @Option(help: "The reader (default: the first one).") var reader: String?
        @Option(help: "Seconds to wait for a card.") var timeout: Double = 10
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Output format: text, or ireadcardbas (the vendor's 11 |-terminated fields).") var format: Format = .text
        @Option(help: "The reader holding the PSAM, for a generation-3 card's protected fields.")
        var psamReader: String?
        @Option(help: "The PSAM's key: usage and version, 4 hex digits.") var psamKey = "2701"
        @Option(help: "Terminal number for the ireadcardbas line.") var terminal = "KIOSK-DEMO-0001"

        enum Format: String, ExpressibleByArgument { case text, ireadcardbas }

        func run() async throws {
            var authenticator: (any CardAuthenticator)?
            if let psamReader {
                guard psamKey.count == 4, let key = UInt16(psamKey, radix: 16) else {
                    throw ValidationError("--psam-key takes 4 hex digits (usage, version), e.g. 2701")
                }
                authenticator = PSAMAuthenticator(
                    reader: psamReader, key: PSAMAuthenticator.Key(usage: UInt8(key >> 8), version: UInt8(key & 0xFF)))
            }
            let reading: PCSCCardReader.Reading
            do {
                reading = try await PCSCCardReader(readerName: reader, authenticator: authenticator)
                    .waitAndRead(timeout: .milliseconds(Int64(timeout * 1000)))
            } catch let error as KioskError {
                throw CardExit.fail(error)
            }
            let card = reading.result.card
            let report = CardReport(card: card, notes: reading.result.notes, today: CardExit.today())
            if json {
                print(try JSONOutput.encode(report))
            } else if format == .ireadcardbas {
                print(report.iReadCardBas(card: card, terminal: terminal, device: reading.reader))
            } else {
                print(report.text)
            }
            if report.expired {
                throw CardExit.fail(KioskError(.cardRejected, "the card expired on \(report.expiryDate ?? "?"); renew it at the counter"))
            }
            if card.holder != nil && !report.idChecksumValid {
                throw CardExit.fail(
                    KioskError(.cardRejected, "the social security number on the card fails its check digit; take the card to the counter"))
            }
        }
    }
}

/// One `card watch --json` line.
struct CardEventLine: Encodable {
    var event: String
    var reader: String?
    var atr: String?
    var detail: String?
    var time = Date.now.formatted(.iso8601)

    init(_ event: CardEvent) {
        switch event {
        case .readerAdded(let r): self.event = "reader-added"; reader = r
        case .readerRemoved(let r): self.event = "reader-removed"; reader = r
        case .cardInserted(let r, let a): self.event = "card-inserted"; reader = r; atr = Hex.encode(a)
        case .cardRemoved(let r): self.event = "card-removed"; reader = r
        case .serviceUnavailable(let why): self.event = "pcscd-unavailable"; detail = why
        case .serviceRestored: self.event = "pcscd-restored"
        }
    }
}

/// The exit statuses of `kioskctl card`, each with one line that says what to do.
enum CardExit {
    static func fail(_ error: KioskError) -> ExitCode {
        let (code, advice): (Int32, String) =
            switch error.code {
            case .noCard, .timeout: (2, "insert the card chip first, face up, and try again")
            case .notSocialSecurityCard: (3, "this is not a social security card; insert the social security card")
            case .cardRemoved: (4, "the card was taken out during the read; insert it again and leave it in")
            case .pcscUnavailable, .readerUnavailable: (5, "check the reader cable; technicians: kioskctl devices, scripts/rigs up")
            case .cardRejected, .cardProtocol: (6, "the card cannot be used here; take it to the counter")
            default: (1, "see the message above")
            }
        FileHandle.standardError.write(Data("kioskctl: \(error.message) — \(advice)\n".utf8))
        return ExitCode(code)
    }

    static func today() -> CardDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: .now)
        return CardDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}
