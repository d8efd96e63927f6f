import ArgumentParser
import Foundation
import KioskConsole
import KioskCore
import Subprocess
import SystemPackage

/// `kiosk-bench flow`: the citizen front's speed. (1) keypress → screen updated, in process:
/// the session machine handles the key and the renderer builds the frame, against rendering the
/// same frame alone (the baseline); (2) a real kioskd in tmux: start → attract screen (against
/// tmux starting `cat`), and its idle RSS; (3) key presses of the certificate flow.
struct FlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Citizen front: keypress latency, start-up, RSS, presses.")

    @Option(help: "Key presses to time.") var presses = 2000
    @Option(help: "kioskd configuration for the start-up part.") var config = "kiosk-config/demo.yaml"
    @Option(help: "Folder with kioskd.") var bin: String

    func run() async throws {
        let files = try KioskConfigFiles.load(directory: URL(fileURLWithPath: "kiosk-config"), locale: "zh-CN")
        let renderer = ScreenRenderer()
        var machine = SessionMachine(
            settings: SessionSettings(kioskId: "KIOSK-BENCH-0001", hall: "示范市人力资源和社会保障局服务大厅", receiptTexts: files.texts.receiptTexts),
            catalog: files.catalog, guides: files.guides, now: .current())
        for event: SessionEvent in [
            .printerStatus(.receipt, .ready("kiosk-receipt")), .printerStatus(.certificate, .ready("kiosk-a4")), .hubStatus(.up),
            .cameraStatus(present: true),
        ] { _ = machine.handle(event, at: .current()) }

        // (1) Guides without a card: 0 opens the list, 1 opens a guide, Back returns: every press
        // changes the screen.
        let keys: [Key] = [.digit(0), .digit(1), .back, .back]
        var ours: [Double] = []
        var base: [Double] = []
        for i in 0..<(presses + 100) {
            let key = keys[i % keys.count]
            let start = ContinuousClock.now
            _ = machine.handle(.key(key), at: .current())
            let frame = renderer.frame(machine.screen, texts: files.texts, columns: 80, rows: 24).ansiLines
            let elapsed = (ContinuousClock.now - start).milliseconds
            let startBase = ContinuousClock.now
            let again = renderer.frame(machine.screen, texts: files.texts, columns: 80, rows: 24).ansiLines
            let elapsedBase = (ContinuousClock.now - startBase).milliseconds
            precondition(frame == again)
            if i >= 100 {
                ours.append(elapsed)
                base.append(elapsedBase)
            }
        }
        let o = Sample(values: ours)
        let b = Sample(values: base)

        // (2) A real kioskd: start → attract screen, then idle RSS.
        let kioskd = try await startUp(command: ["\(bin)/kioskd", "--config", config], until: "请插入社保卡")
        let cat = try await startUp(command: ["/bin/sh", "-c", "echo ready; exec cat"], until: "ready")

        // (3) The certificate flow's presses after the card is read: 1, Enter, a rating digit.
        let flowPresses = 3

        print("citizen front: \(presses) key presses at 80×24; kioskd start-up from \(config)")
        print("| measure | p50 | p99 | baseline p50 | ratio |")
        print("|---|---|---|---|---|")
        print(
            "| keypress → frame ready (ms) | \(fmt(o.median)) | \(fmt(o.percentile(99))) | \(fmt(b.median)) (render alone) | \(fmt(o.median / b.median, 2)) |"
        )
        print("| start → attract screen (ms) | \(fmt(kioskd.ms, 0)) | – | \(fmt(cat.ms, 0)) (tmux + cat) | \(fmt(kioskd.ms / cat.ms, 2)) |")
        print("| kioskd idle RSS (MB) | \(fmt(kioskd.rssMB, 1)) | – | \(fmt(cat.rssMB, 1)) (cat) | – |")
        print("certificate flow key presses after the card is read: \(flowPresses) (1, Enter, rating)")
        print(goalLine("keypress-to-screen-p99", measured: "\(fmt(o.percentile(99))) ms", target: "<= 16 ms", met: o.percentile(99) <= 16))
        print(goalLine("idle-rss", measured: "\(fmt(kioskd.rssMB, 1)) MB", target: "<= 40 MB", met: kioskd.rssMB <= 40))
        print(goalLine("start-to-attract", measured: "\(fmt(kioskd.ms, 0)) ms", target: "<= 500 ms", met: kioskd.ms <= 500))
        print(goalLine("certificate-flow-presses", measured: "\(flowPresses)", target: "<= 4", met: flowPresses <= 4))
    }

    /// Starts `command` in a fresh tmux session and polls the screen every 5 ms until `text`
    /// shows; returns the time taken and the program's RSS 3 s later.
    private func startUp(command: [String], until text: String) async throws -> (ms: Double, rssMB: Double) {
        let socket = "kiosk-bench-\(UUID().uuidString.prefix(6))"
        let shell = "env LANG=C.UTF-8 " + command.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
        let start = ContinuousClock.now
        _ = try await Subprocess.run(
            .name("tmux"), arguments: ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "80", "-y", "24", shell],
            output: .discarded, error: .discarded)
        var ms = Double.nan
        for _ in 0..<2000 {
            let screen = try await Subprocess.run(
                .name("tmux"), arguments: ["-L", socket, "capture-pane", "-p", "-t", "b"], output: .string(limit: 1 << 16),
                error: .discarded)
            if screen.standardOutput.contains(text) {
                ms = (ContinuousClock.now - start).milliseconds
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .seconds(3))
        let pid = try await Subprocess.run(
            .name("tmux"), arguments: ["-L", socket, "list-panes", "-t", "b", "-F", "#{pane_pid}"], output: .string(limit: 1024),
            error: .discarded)
        let shellPid = pid.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs `sh -c env … program`: the program is the shell's only child (or the shell itself after exec).
        let children = (try? String(contentsOfFile: "/proc/\(shellPid)/task/\(shellPid)/children", encoding: .utf8)) ?? ""
        let target = children.split(separator: " ").first.map(String.init) ?? shellPid
        let status = (try? String(contentsOfFile: "/proc/\(target)/status", encoding: .utf8)) ?? ""
        let rssKB =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap {
                Double($0.split(separator: " ").dropFirst().first ?? "")
            } ?? .nan
        _ = try await Subprocess.run(.name("tmux"), arguments: ["-L", socket, "kill-server"], output: .discarded, error: .discarded)
        return (ms, rssKB / 1024)
    }
}

extension PrinterSnapshot {
    fileprivate static func ready(_ queue: String) -> PrinterSnapshot {
        PrinterSnapshot(
            queue: queue, condition: .ready, state: "idle", reasons: [], media: [], markers: [], acceptingJobs: true, queuedJobs: 0,
            detail: nil)
    }
}
