import ArgumentParser
import Foundation
import KioskConfig
import KioskControl
import KioskCore
import KioskDiagnostics

/// `kioskctl diag`: every check a technician needs, one line each, with who acts and what to
/// do. Asks the running kioskd (which checks with the configuration it uses) or, with
/// `--direct`, checks from here. Exit 0 when nothing fails (warnings allowed), 1 when something
/// fails, 2 when no diagnosis could be made (daemon unreachable or refusing, configuration unreadable).
struct DiagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diag",
        abstract: "Check card reader, printers, hub, store and terminal; say what is wrong and who acts.",
        discussion: "Exit status: 0 nothing fails (warnings allowed); 1 something fails; 2 no diagnosis (kioskd unreachable: try --direct)."
    )

    @Option(help: "The site configuration (missing file: defaults).") var config = "/etc/kioskd/kiosk.yaml"
    @Flag(help: "Print JSON: [{check, verdict, actor, detail, action, actionZh?}].") var json = false
    @Flag(help: "Run the checks here instead of asking kioskd.") var direct = false
    @Flag(help: "Print a test page on each printer that is ready.") var testPage = false
    @Flag(help: "Read the card in the slot (only its generation and ATR are shown).") var testRead = false
    @Flag(help: "Take one frame with the camera (its size and time are shown; the frame is wiped).") var testCamera = false
    @Option(help: "With --direct: the citizen's terminal to check (default: this one).") var tty: String?

    func run() async throws {
        let results = direct ? try await runDirect() : try await askDaemon()
        if json {
            print(try JSONOutput.encode(results))
        } else {
            print(Self.render(results), terminator: "")
        }
        if results.contains(where: { $0.verdict == .fail }) { throw ExitCode(1) }
    }

    private func loadConfiguration() throws -> KioskConfiguration {
        guard FileManager.default.fileExists(atPath: config) else { return KioskConfiguration() }
        do { return try ConfigurationLoader.load(path: config) } catch {
            FileHandle.standardError.write(Data("kioskctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func runDirect() async throws -> [DiagnosticResult] {
        let configuration = try loadConfiguration()
        return await KioskDiagnostics.run(
            configuration: configuration,
            options: DiagnosticOptions(testPage: testPage, testRead: testRead, testCamera: testCamera, ttyPath: tty))
    }

    private func askDaemon() async throws -> [DiagnosticResult] {
        let socket = ControlSocketPath.resolve(config: config)
        var query: [String] = []
        if testPage { query.append("testPage=1") }
        if testRead { query.append("testRead=1") }
        if testCamera { query.append("testCamera=1") }
        let path = "/v1/diag" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let answer: (status: Int, body: Data)
        do {
            answer = try await ControlClient(socketPath: socket).request("GET", path)
        } catch {
            Self.noDiagnosis("kioskd is not reachable at \(socket); run the checks from here with --direct")
        }
        guard (200..<300).contains(answer.status) else {
            let detail =
                (try? JSONDecoder().decode(ControlProblem.self, from: answer.body))?.detail
                ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
            Self.noDiagnosis("kioskd refused the diagnosis (\(answer.status)): \(detail); or run it from here with --direct")
        }
        guard let results = try? JSONDecoder().decode([DiagnosticResult].self, from: answer.body) else {
            Self.noDiagnosis("kioskd answered something this kioskctl cannot read; run it from here with --direct")
        }
        return results
    }

    private static func noDiagnosis(_ line: String) -> Never {
        FileHandle.standardError.write(Data("kioskctl: \(line)\n".utf8))
        Self.exit(withError: ExitCode(2))
    }

    /// One line per check, verdicts aligned; for each that is not ok, who acts and what to do.
    static func render(_ results: [DiagnosticResult]) -> String {
        let width = min(32, results.map(\.check.count).max() ?? 0)
        var out = ""
        for r in results {
            let verdict = r.verdict.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
            let check = r.check.count >= width ? r.check : r.check.padding(toLength: width, withPad: " ", startingAt: 0)
            out += "\(verdict) \(check)  \(r.detail)\n"
            if r.verdict != .ok {
                out += "      → \(r.actor.rawValue): \(r.action)\(r.actionZh.map { "（\($0)）" } ?? "")\n"
            }
        }
        return out
    }
}
