import Foundation
import Subprocess
import SystemPackage
import Testing

extension Tag {
    /// Needs the real peers: `scripts/rigs up` (scripts/test does it).
    @Tag static var integration: Self
}

/// Where the real peers and the built executables are, for integration tests. These tests
/// never skip: without the rigs they fail and say how to start them.
enum Rigs {
    static let repo: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folder with kioskctl, kioskd, kiosk-hub-sim, virtual-ssc (scripts/test exports it).
    static var binDir: URL {
        if let dir = ProcessInfo.processInfo.environment["KIOSK_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repo.appendingPathComponent(".build/debug")
    }

    static func executable(_ name: String) -> FilePath {
        FilePath(binDir.appendingPathComponent(name).path)
    }

    struct Output {
        var status: TerminationStatus
        var stdout: String
        var stderr: String
        var exitCode: Int32? {
            if case .exited(let code) = status { return code }
            return nil
        }
    }

    /// Runs one of our executables to the end and collects its output.
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment { env[Environment.Key(stringLiteral: k)] = v }
        let result = try await Subprocess.run(
            .path(executable(name)), arguments: Arguments(arguments),
            environment: .inherit.updating(env),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return Output(status: result.terminationStatus, stdout: result.standardOutput, stderr: result.standardError)
    }

    /// Runs any program (tmux, lp, pdftotext…) by name.
    static func tool(_ name: String, _ arguments: [String]) async throws -> Output {
        let result = try await Subprocess.run(
            .name(name), arguments: Arguments(arguments),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        return Output(status: result.terminationStatus, stdout: result.standardOutput, stderr: result.standardError)
    }
}
