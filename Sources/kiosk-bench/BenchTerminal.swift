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

    /// Runs a command to its end; its standard output and error together.
    static func run(_ command: [String]) async throws -> String {
        let out = try await Subprocess.run(
            .path(FilePath(command[0])), arguments: Arguments(Array(command.dropFirst())), output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20))
        return out.standardOutput + out.standardError
    }
}

struct BenchTerminalError: Error, CustomStringConvertible {
    var description: String
}
