import ArgumentParser
import Foundation
import KioskConfig
import KioskCore
import KioskPrint
import KioskRender

/// `kioskctl printer list|test-page`: the kiosk's printers straight from cupsd and the printers
/// themselves (no daemon needed).
struct PrinterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printer", abstract: "The receipt and certificate printers: state, and a test page.",
        subcommands: [List.self, TestPage.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every CUPS queue with its role, state, reasons (from the printer itself), media and queued jobs.")
        @OptionGroup var options: PrintOptions
        @Flag(help: "Print JSON: [{name, role, state, condition, reasons, media, queuedJobs, detail}].") var json = false

        func run() async throws {
            let config = try options.configuration()
            let queues: [PrinterStatus]
            do { queues = try await CUPSPrinterDirectory(timeoutMs: 4000).printers() } catch let error as KioskError {
                throw PrintExit.fail(error)
            }
            var names = queues.map(\.name)
            for configured in [config.printers.receipt, config.printers.certificate] where !names.contains(configured) {
                names.append(configured)  // configured but missing: shown as offline, not hidden
            }
            var lines: [Line] = []
            for name in names {
                let snapshot = await CUPSKioskPrinter(queue: name, log: UnrecordedPrintLog(), timeoutMs: 4000).status()
                let role = name == config.printers.receipt ? "receipt" : name == config.printers.certificate ? "certificate" : nil
                lines.append(Line(snapshot, role: role))
            }
            if json {
                print(try JSONOutput.encode(lines))
            } else {
                for l in lines {
                    let reasons = l.reasons.isEmpty ? "none" : l.reasons.joined(separator: ",")
                    print(
                        "\(l.name)\t\(l.role ?? "-")\t\(l.state)\t\(l.condition.rawValue)\treasons \(reasons)\tmedia \(l.media.joined(separator: ","))\tqueued \(l.queuedJobs)"
                            + (l.detail.map { "\t\($0)" } ?? ""))
                }
            }
        }

        struct Line: Encodable {
            var name: String
            var role: String?
            var state: String
            var condition: PrinterCondition
            var reasons: [String]
            var media: [String]
            var queuedJobs: Int
            var detail: String?

            enum CodingKeys: String, CodingKey { case name, role, state, condition, reasons, media, queuedJobs, detail }

            init(_ s: PrinterSnapshot, role: String?) {
                name = s.queue
                self.role = role
                state = s.state
                condition = s.condition
                reasons = s.reasons
                media = s.media
                queuedJobs = s.queuedJobs
                detail = s.detail
            }

            // role and detail are written as null when absent, so the keys never vary.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(name, forKey: .name)
                try c.encode(role, forKey: .role)
                try c.encode(state, forKey: .state)
                try c.encode(condition, forKey: .condition)
                try c.encode(reasons, forKey: .reasons)
                try c.encode(media, forKey: .media)
                try c.encode(queuedJobs, forKey: .queuedJobs)
                try c.encode(detail, forKey: .detail)
            }
        }
    }

    struct TestPage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-page", abstract: "Print a test page on the receipt or the certificate printer.",
            discussion: "Exit status: 0 sent (with --wait: completed); 1 refused, failed, cancelled or aborted; 3 timed out waiting.")
        @Argument(help: "receipt or certificate") var role: Role
        @OptionGroup var options: PrintOptions
        @Flag(help: "Wait for the job's final state; exit 0 only if it completed.") var wait = false
        @Option(help: "Seconds to wait with --wait.") var timeout: Double = 120

        enum Role: String, ExpressibleByArgument { case receipt, certificate }

        func run() async throws {
            let config = try options.configuration()
            let templates = try options.templates(config)
            do {
                let page = try await TestPageJob.submit(
                    role == .receipt ? .receipt : .certificate, configuration: config, templates: templates)
                let job = page.job
                print("job \(job.jobId) on \(page.queue): \(job.state.rawValue)\(job.media.map { ", media \($0)" } ?? "")")
                guard wait else { return }
                let final = try await page.final(within: .milliseconds(Int64(timeout * 1000))) { progress in
                    let held = progress.isHeld ? " — held: printer \(progress.printer.condition.rawValue)" : ""
                    print("job \(job.jobId): \(progress.job.state.rawValue)\(held)")
                }
                guard let final else {
                    FileHandle.standardError.write(Data("kioskctl: job \(job.jobId) did not finish within \(Int(timeout)) s\n".utf8))
                    throw ExitCode(3)
                }
                guard final.state == .completed else {
                    throw PrintExit.fail(
                        KioskError(.printer, "job \(job.jobId) ended \(final.state.rawValue) (\(final.reasons.joined(separator: ",")))"))
                }
            } catch let error as KioskError {
                throw PrintExit.fail(error)
            }
        }
    }
}

/// Options shared by `kioskctl printer` and `kioskctl print`.
struct PrintOptions: ParsableArguments {
    @Option(help: "The site configuration (missing file: defaults).") var config = "/etc/kioskd/kiosk.yaml"
    @Option(help: "The folder with templates/ and locales/ (default: the site file's folder if it has them, else files.directory).")
    var resources: String?

    func configuration() throws -> KioskConfiguration {
        guard FileManager.default.fileExists(atPath: config) else { return KioskConfiguration() }
        do { return try ConfigurationLoader.load(path: config) } catch let error as KioskError { throw PrintExit.fail(error) }
    }

    func templates(_ configuration: KioskConfiguration) throws -> PrintTemplates {
        // A checkout's kiosk-config/ keeps the files beside the site file; an installed kiosk's
        // site file (/etc/kioskd) leaves them in files.directory (/usr/share/kioskd).
        let beside = URL(fileURLWithPath: config).deletingLastPathComponent().path
        let folder =
            resources
            ?? (FileManager.default.fileExists(atPath: beside + "/templates") ? beside : configuration.files.directory)
        do { return try PrintTemplates.load(directory: folder, locale: configuration.kiosk.locale) } catch {
            throw PrintExit.fail(error)
        }
    }

    /// Now in China's time, as printed.
    static func localTime() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: .now)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

/// One line on stderr that says what is wrong and who acts, and the exit status.
enum PrintExit {
    static func fail(_ error: KioskError) -> ExitCode {
        let advice: String =
            switch error.code {
            case .cupsUnavailable: "start cupsd: scripts/rigs up, or systemctl start cups"
            case .printer: "check the printer (paper, jam, door), then kioskctl printer list"
            case .invalidInput: "the document cannot be printed as is; serve the citizen at the counter"
            case .configuration: "fix the file named above"
            default: "see the message above"
            }
        FileHandle.standardError.write(Data("kioskctl: \(error) — \(advice)\n".utf8))
        return ExitCode(1)
    }
}
