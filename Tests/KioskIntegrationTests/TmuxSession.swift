import Foundation
import KioskTesting
import Testing

/// A real terminal for tests: a detached tmux session on a socket of its own (`tmux -L`), so
/// tests never touch a developer's tmux. Driven by send-keys, read by capture-pane.
struct TmuxSession: Sendable {
    let socket: String
    let session = "kiosk"

    static func start(
        command: [String], columns: Int, rows: Int, environment: [String: String] = [:], stderrTo: String? = nil
    ) async throws -> TmuxSession {
        let t = TmuxSession(socket: "kiosk-test-\(UUID().uuidString.prefix(8))")
        let env = ["LANG=C.UTF-8", "LC_ALL=C.UTF-8"] + environment.map { "\($0)=\($1)" }
        var shell = "env " + (env + command).map(quote).joined(separator: " ")
        if let stderrTo { shell += " 2>" + quote(stderrTo) }
        let out = try await Rigs.tool(
            "tmux", ["-L", t.socket, "-f", "/dev/null", "new-session", "-d", "-s", t.session, "-x", "\(columns)", "-y", "\(rows)", shell])
        guard out.exitCode == 0 else { throw TmuxError(message: "tmux new-session failed: \(out.stderr)") }
        return t
    }

    /// Starts a session, runs `body`, and kills the session whether `body` failed or not.
    static func with(
        command: [String], columns: Int, rows: Int, environment: [String: String] = [:], _ body: (TmuxSession) async throws -> Void
    ) async throws {
        let tmux = try await start(command: command, columns: columns, rows: rows, environment: environment)
        do {
            try await body(tmux)
        } catch {
            await tmux.kill()
            throw error
        }
        await tmux.kill()
    }

    func capture() async throws -> String {
        try await Rigs.tool("tmux", ["-L", socket, "capture-pane", "-p", "-t", session]).stdout
    }

    func sendKeys(_ keys: String...) async throws {
        _ = try await Rigs.tool("tmux", ["-L", socket, "send-keys", "-t", session] + keys)
    }

    func sendKeys(_ keys: [String]) async throws {
        _ = try await Rigs.tool("tmux", ["-L", socket, "send-keys", "-t", session] + keys)
    }

    /// Raw bytes, in hex, as a keyboard or scanner could send them (invalid UTF-8 too).
    func sendHex(_ bytes: [String]) async throws {
        _ = try await Rigs.tool("tmux", ["-L", socket, "send-keys", "-t", session, "-H"] + bytes)
    }

    /// The file's content typed at once, as a paste.
    func paste(file: String) async throws {
        _ = try await Rigs.tool("tmux", ["-L", socket, "load-buffer", "-b", "kiosk-paste", file])
        _ = try await Rigs.tool("tmux", ["-L", socket, "paste-buffer", "-b", "kiosk-paste", "-t", session])
    }

    func resize(columns: Int, rows: Int) async throws {
        _ = try await Rigs.tool("tmux", ["-L", socket, "resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Polls the screen until `condition` holds; fails with the last screen otherwise.
    func waitFor(timeout: Duration, _ condition: (String) -> Bool) async throws -> String {
        let timeout = TestTime.scaled(timeout)
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await capture()
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("screen did not reach the expected state within \(timeout); last screen:\n\(last)")
        throw TmuxError(message: "timeout")
    }

    func kill() async {
        _ = try? await Rigs.tool("tmux", ["-L", socket, "kill-server"])
    }

    private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
