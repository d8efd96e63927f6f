import Foundation
import Glibc
import KioskCore

/// `lp`, run the way a technician would: the baseline the print benchmark compares our adapter
/// with. posix_spawn with stdout to a file (no pipe to leak); blocking, so callers run it off
/// the cooperative pool.
public enum LPCommand {
    /// Submits `file` to `queue` and returns the CUPS job id lp printed ("request id is Q-42").
    public static func submit(queue: String, file: String, title: String) throws -> Int {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-lp-\(UUID().uuidString).out").path
        defer { unlink(out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let args = ["lp", "-d", queue, "-t", title, file]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "lp", &actions, nil, &argv, environ)
        guard rc == 0 else { throw KioskError(.printer, "cannot run lp: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0, let idText = text.split(separator: " ").first(where: { $0.hasPrefix("\(queue)-") }),
            let id = Int(idText.dropFirst(queue.count + 1))
        else {
            throw KioskError(.printer, "lp failed (status \(status)): \(text)")
        }
        return id
    }
}
