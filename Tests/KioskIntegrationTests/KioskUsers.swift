import Foundation
import Testing

/// Real local accounts for the duty tests (受审分离): one in kiosk-tech, one in kiosk-ops, one in
/// neither. Created once per machine (idempotent; the tests run as root, as CI does), and
/// kioskctl is then run as them with setpriv, so the daemon sees their uid through SO_PEERCRED.
enum KioskUsers {
    static let technician = "kiosktest-tech"
    static let operations = "kiosktest-ops"
    static let citizen = "kiosktest-none"

    private static let ready = Task { () throws -> Void in
        for group in ["kiosk-tech", "kiosk-ops"] {
            _ = try await Rigs.tool("groupadd", ["-f", group])
        }
        for (user, group) in [(technician, "kiosk-tech"), (operations, "kiosk-ops"), (citizen, "")] {
            if try await Rigs.tool("id", ["-u", user]).exitCode == 0 { continue }
            var arguments = ["-M", "-N", "-s", "/usr/sbin/nologin"]
            if !group.isEmpty { arguments += ["-G", group] }
            let made = try await Rigs.tool("useradd", arguments + [user])
            guard made.exitCode == 0 || made.exitCode == 9 else { throw TmuxError(message: "useradd \(user): \(made.stderr)") }
        }
    }

    static func prepare() async throws { try await ready.value }

    /// `kioskctl ARGS` run as `user` (real and effective uid, its groups).
    static func kioskctl(as user: String, _ arguments: [String]) async throws -> Rigs.Output {
        try await prepare()
        return try await Rigs.tool(
            "setpriv", ["--reuid=\(user)", "--regid=users", "--init-groups", Rigs.executable("kioskctl").string] + arguments)
    }
}
