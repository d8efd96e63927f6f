import ArgumentParser
import Foundation
import KioskCard
import KioskConfig
import KioskCore
import KioskDiagnostics
import KioskHub
import KioskPrint

/// `kioskctl setup`: a kiosk's first run, by its technician, with the kiosk's devices in front of
/// them. Asks what no flag answers, checks every answer against the devices, the hub and the
/// rules of a production kiosk, prints a test page on each printer, reads a card if one is in,
/// and only then writes the site file (whole, synced, renamed into place).
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup", abstract: "First-run setup: write /etc/kioskd/kiosk.yaml from the kiosk's own devices.",
        discussion: """
            Run as root at the kiosk: it asks for what no flag gives. For a scripted install give every \
            answer as a flag and --no-input. Exit status: 0 written; 1 refused (each problem on one line, \
            with what to do); 64 an answer missing with --no-input.
            """)

    @Option(help: "The site file to write.") var site = "/etc/kioskd/kiosk.yaml"
    @Option(help: "The id the hub knows this kiosk by.") var kioskId: String?
    @Option(help: "The hall's name, printed on receipts.") var hall: String?
    @Option(help: "The hub's base URL (https://…).") var hub: String?
    @Option(help: "The CA certificate (PEM) the hub's certificate must chain to.") var caCert: String?
    @Option(help: "This kiosk's client certificate (PEM).") var clientCert: String?
    @Option(help: "This kiosk's client key (PEM; mode 0640, group kioskd).") var clientKey: String?
    @Option(help: "The reader that is the card slot, as `kioskctl card readers` lists it.") var cardReader: String?
    @Option(help: "The reader holding the PSAM (SAM slot).") var psamReader: String?
    @Flag(help: "This kiosk has no PSAM.") var noPsam = false
    @Option(help: "The CUPS queue of the receipt printer (80 mm roll).") var receiptQueue: String?
    @Option(help: "The CUPS queue of the A4 printer.") var a4Queue: String?
    @Option(help: "The store (default /var/lib/kioskd/kiosk.sqlite; tests and demos only).") var store: String?
    @Option(help: "The control socket (default /run/kioskd/control.sock; tests and demos only).") var controlSocket: String?
    @Option(help: "The kiosk-config folder (default /usr/share/kioskd, the package's; tests and demos only).") var files: String?
    @Flag(help: "Allow demo values: the demo kiosk id, no client certificate, plain HTTP beyond loopback.") var demo = false
    @Flag(help: "Never ask: every answer comes from a flag.") var noInput = false
    @Flag(help: "Do not print a test page on each printer.") var noTestPage = false
    @Flag(help: "Write even if the hub does not answer now.") var offline = false

    func run() async throws {
        let survey = await DeviceSurvey.take(readers: PCSCReaderDirectory(), printers: CUPSPrinterDirectory())
        let readers = (try? survey.readers.get()) ?? []
        let queues = ((try? survey.printers.get()) ?? []).map(\.name)
        var draft = SetupDialog.Draft()
        draft.kioskId = kioskId
        draft.hall = hall
        draft.hubURL = hub
        draft.caCertificate = caCert
        draft.clientCertificate = clientCert
        draft.clientKey = clientKey
        draft.cardReader = cardReader
        draft.psamReader = noPsam ? "" : psamReader
        draft.receiptQueue = receiptQueue
        draft.certificateQueue = a4Queue

        // Answers come from the terminal, or lines piped in; --no-input asks nothing.
        if noInput {
            let missing = SetupDialog.missingFlags(draft, readers: readers.map(\.name))
            guard missing.isEmpty else {
                Self.say("kioskctl setup: missing \(missing.joined(separator: ", ")) (or run it at the kiosk's keyboard to be asked)")
                throw ExitCode(64)
            }
            if draft.psamReader == nil { draft.psamReader = "" }
        } else {
            print("Setting up kiosk \(site). pcscd lists \(readers.count) reader(s), cupsd \(queues.count) queue(s).")
        }
        let dialog = SetupDialog(
            ask: { prompt in
                print(prompt, terminator: "")
                fflush(nil)
                return readLine()
            }, say: { print($0) })
        var answers: SiteAnswers
        do {
            answers = try dialog.complete(draft, readers: readers.map(\.name), queues: queues)
        } catch let ended as SetupDialog.Ended {
            Self.say("kioskctl setup: the input ended before \(ended.missing.joined(separator: ", ")) was answered; nothing written")
            throw ExitCode(64)
        }
        answers.storePath = store
        answers.controlSocket = controlSocket
        answers.filesDirectory = files

        // The file as it will be written, through the loader kioskd uses.
        let text = answers.yaml()
        let configuration: KioskConfiguration
        do { configuration = try ConfigurationLoader.parse(text, file: site) } catch let error as KioskError {
            for line in error.message.split(separator: "\n") { Self.say("kioskctl setup: \(line)") }
            throw ExitCode(1)
        }
        var problems = SiteFileChecks.tlsFiles(configuration)
        problems += demo ? SiteFileChecks.cleartextHub(configuration) : SiteFileChecks.demoValues(configuration)
        problems += survey.siteProblems(configuration)
        let hubProblem = await Self.hubProblem(configuration)
        if let hubProblem, !offline { problems.append(hubProblem) }
        guard problems.isEmpty else {
            for problem in problems { Self.say("kioskctl setup: \(problem)") }
            Self.say("kioskctl setup: nothing written to \(site)")
            throw ExitCode(1)
        }
        if let hubProblem { print("warning: \(hubProblem) (written anyway: --offline)") }

        if !noTestPage { try await testPages(configuration) }
        await readCardIfInserted(configuration, readers: readers)

        do {
            try FileManager.default.createDirectory(
                atPath: (site as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try DurableFile.replace(site, with: Data(text.utf8), mode: 0o644)
        } catch {
            Self.say("kioskctl setup: \(error)")
            throw ExitCode(1)
        }
        print("wrote \(site) for kiosk \(configuration.kiosk.id)")
        print("start the kiosk: systemctl restart kioskd   (logs: journalctl -u kioskd)")
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The hub as the kiosk will call it: reachable, TLS accepted, this kiosk's identity known.
    static func hubProblem(_ configuration: KioskConfiguration) async -> SiteProblem? {
        guard let report = try? await HubCommand.check(configuration) else {
            return SiteProblem("hub", "the TLS files do not load", action: "check hub.caCertificate, clientCertificate and clientKey")
        }
        guard !report.passed else { return nil }
        let why = report.problems.first ?? (report.reachable ? "the hub refused this kiosk" : "no answer")
        return SiteProblem(
            "hub.url", "\(configuration.hub.url) does not work now (\(why))",
            action: "check the address and the network (kioskctl hub check), or give --offline")
    }

    /// A test page on each printer, waited for: a technician sees both papers before leaving.
    func testPages(_ configuration: KioskConfiguration) async throws {
        let templates: PrintTemplates
        do {
            templates = try PrintTemplates.load(directory: configuration.files.directory, locale: configuration.kiosk.locale)
        } catch {
            Self.say(
                "kioskctl setup: files.directory: no print templates in \(configuration.files.directory) (\(error)): reinstall the kioskd package"
            )
            throw ExitCode(1)
        }
        for (role, name) in [(PrinterRole.receipt, "receipt"), (.certificate, "A4")] {
            do {
                let page = try await TestPageJob.submit(role, configuration: configuration, templates: templates)
                print("test page on \(page.queue) (\(name)): job \(page.job.jobId) sent")
                let final = try await page.final(within: .seconds(90))
                guard final?.state == .completed else {
                    throw KioskError(
                        .printer, "job \(page.job.jobId) \(final.map { "ended \($0.state.rawValue)" } ?? "did not finish within 90 s")")
                }
                print("test page on \(page.queue) (\(name)): printed")
            } catch {
                let queue = role == .receipt ? configuration.printers.receipt : configuration.printers.certificate
                Self.say(
                    "kioskctl setup: printers.\(role.rawValue): the test page on \(queue) failed (\(error)): check the printer, then kioskctl printer list"
                )
                throw ExitCode(1)
            }
        }
    }

    /// A card already in the chosen slot is read, and shown masked: the slot is the right one.
    func readCardIfInserted(_ configuration: KioskConfiguration, readers: [ReaderStatus]) async {
        guard readers.first(where: { $0.name == configuration.card.reader })?.cardPresent == true else {
            print("card slot \(configuration.card.reader): no card in it (insert one and run `kioskctl card read` to try the slot)")
            return
        }
        do {
            let reading = try await PCSCCardReader(readerName: configuration.card.reader, authenticator: nil)
                .waitAndRead(timeout: .seconds(10))
            let report = CardReport(card: reading.result.card, notes: reading.result.notes, today: CardExit.today())
            print("card slot \(configuration.card.reader): read a card")
            print(report.text.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
        } catch {
            print("card slot \(configuration.card.reader): the card did not read (\(error)); the slot is kept")
        }
    }
}
