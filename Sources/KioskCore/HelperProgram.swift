import Foundation

/// Where kioskd's helper programs (kiosk-render, kiosk-camera) are: beside the running program (a
/// build folder, the test runner), or in `../lib/kioskd/` as the Debian package installs them
/// (`/usr/bin/kioskd`, `/usr/lib/kioskd/…`: not commands for people).
public enum HelperProgram {
    /// `name` for the running program, resolved from /proc/self/exe. After an upgrade replaces
    /// the running file, that link reads "… (deleted)", and the folder is still the one to look in.
    public static func sibling(_ name: String) -> String {
        var program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if program.hasSuffix(" (deleted)") { program.removeLast(" (deleted)".count) }
        return path(name, besideProgram: program) { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `name` for a program at `program`: beside it, else in the package's private folder; the
    /// path beside it when neither exists (so a failure names it).
    public static func path(_ name: String, besideProgram program: String, exists: (String) -> Bool) -> String {
        let folder = URL(fileURLWithPath: program).deletingLastPathComponent()
        let beside = folder.appendingPathComponent(name).path
        let packaged = folder.deletingLastPathComponent().appendingPathComponent("lib/kioskd/\(name)").path
        if !exists(beside), exists(packaged) { return packaged }
        return beside
    }
}
