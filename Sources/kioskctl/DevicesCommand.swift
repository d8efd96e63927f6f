import ArgumentParser
import Foundation
import KioskCard
import KioskCore
import KioskDiagnostics
import KioskPrint

/// `kioskctl devices [--json]`: the readers pcscd knows and the queues cupsd knows, asked
/// directly (no daemon needed). Exit 0 when both answered; 1 with one line per peer that did
/// not, naming it and how to start it.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List card readers (PC/SC) and printers (CUPS) with their state.")

    @Flag(help: "Print JSON: {\"readers\":[{name,cardPresent,atr}],\"printers\":[{name,state,reasons}]}.")
    var json = false

    func run() async throws {
        let survey = await DeviceSurvey.take(readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory())
        let readers = (try? survey.readers.get()) ?? []
        let printers = (try? survey.printers.get()) ?? []
        if json {
            struct Output: Encodable {
                var readers: [ReaderStatus]
                var printers: [PrinterStatus]
            }
            print(try JSONOutput.encode(Output(readers: readers, printers: printers)))
        } else {
            if case .success = survey.readers {
                print("Readers (\(readers.count)):")
                for r in readers {
                    print("  \(r.name)\t\(r.cardPresent ? "card present, ATR \(r.atr ?? "?")" : "no card")")
                }
            }
            if case .success = survey.printers {
                print("Printers (\(printers.count)):")
                for p in printers {
                    print("  \(p.name)\t\(p.state)\(p.reasons.isEmpty ? "" : "\t" + p.reasons.joined(separator: ","))")
                }
            }
        }
        var failed = false
        for case .failure(let error) in [survey.readers.map { _ in () }, survey.printers.map { _ in () }] {
            FileHandle.standardError.write(Data("kioskctl: \(error.message)\n".utf8))
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}
