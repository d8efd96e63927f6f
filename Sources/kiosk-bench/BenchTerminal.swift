import Foundation
import Subprocess
import SystemPackage

/// A program in a tmux server of its own (80×24, UTF-8), read the way a citizen reads the screen.
struct BenchTerminal: Sendable {
    let socket: String

    static func start(_ command: [String]) async throws -> BenchTerminal {
        let terminal = BenchTerminal(socket: "kiosk-bench-\(UUID().uuidString.prefix(6))")
        let shell = "env LANG=C.UTF-8 " + command.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
        _ = try await Subprocess.run(
            .name("tmux"),
            arguments: ["-L", terminal.socket, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "80", "-y", "24", shell],
            output: .discarded, error: .discarded)
        return terminal
    }

    func screen() async throws -> String {
        try await Subprocess.run(
            .name("tmux"), arguments: ["-L", socket, "capture-pane", "-p", "-t", "b"], output: .string(limit: 1 << 16), error: .discarded
        ).standardOutput
    }

    /// Polls every 5 ms until `text` is on the screen.
    func waitFor(_ text: String, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await screen().contains(text) { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchTerminalError(description: "\"\(text)\" never showed; the screen was:\n\(try await screen())")
    }

    /// Stops the server (and the program with it) without waiting: safe from a `defer`.
    func kill() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", socket, "kill-server"]
        try? process.run()
        process.waitUntilExit()
    }

    /// A key as tmux names it ("1", "Enter").
    func press(_ key: String) async throws {
        _ = try await Subprocess.run(
            .name("tmux"), arguments: ["-L", socket, "send-keys", "-t", "b", key], output: .discarded, error: .discarded)
    }

    /// The resident memory of the program in the pane.
    func programRSSMegabytes() throws -> Double { try Self.rssMegabytes(pid: try programPID()) }

    /// The resident memory of the program's child whose command line contains `argument` (the
    /// render child kioskd keeps warm); nil when it has none.
    func childRSSMegabytes(withArgument argument: String) throws -> Double? {
        let program = try programPID()
        // By each process's parent: /proc/PID/task/TID/children lists only what that one thread started.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for child in entries where Int(child) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[1] == Substring(program) else { continue }
            let command = FileManager.default.contents(atPath: "/proc/\(child)/cmdline") ?? Data()
            if String(decoding: command, as: UTF8.self).split(separator: "\0").contains(Substring(argument)) {
                return try Self.rssMegabytes(pid: child)
            }
        }
        return nil
    }

    /// The pane runs `sh -c env … program`, so the program is the shell's only child (or the
    /// shell itself after an exec).
    private func programPID() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", socket, "list-panes", "-t", "b", "-F", "#{pane_pid}"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let shell = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        // env execs the program; sh may fork it: follow single children down.
        return children.split(separator: " ").first.map(String.init) ?? shell
    }

    private static func rssMegabytes(pid: String) throws -> Double {
        guard let kilobytes = procStatus(pid: pid)["VmRSS"] else { throw BenchTerminalError(description: "no VmRSS for pid \(pid)") }
        return kilobytes / 1024
    }

    /// The numeric fields of /proc/PID/status by name ("VmRSS" in kB, "Threads"), read once.
    static func procStatus(pid: String) -> [String: Double] {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        var fields: [String: Double] = [:]
        for line in status.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0].hasSuffix(":"), let value = Double(words[1]) else { continue }
            fields[String(words[0].dropLast())] = value
        }
        return fields
    }

    /// Runs a command to its end; its standard output and error together.
    static func run(_ command: [String], environment: [String: String] = [:]) async throws -> String {
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let out = try await Subprocess.run(
            .path(FilePath(command[0])), arguments: Arguments(Array(command.dropFirst())), environment: .inherit.updating(updates),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return out.standardOutput + out.standardError
    }
}

struct BenchTerminalError: Error, CustomStringConvertible {
    var description: String
}
