import Foundation
import KioskCore

/// Which files a bundle carries, and putting them on disk.
///
/// A bundle is a whole `files.directory` (services.json, keymap.json, locales/, guides/,
/// templates/) plus an optional settings.yaml; nothing else travels (no kiosk.yaml, no keys).
public enum ConfigBundleFiles {
    /// Top-level files a bundle may carry.
    public static let topLevel: Set<String> = ["settings.yaml", "services.json", "keymap.json"]
    /// Folders whose `*.json` files a bundle carries.
    public static let folders: Set<String> = ["locales", "guides", "templates"]
    /// The files the daemon's loaders cannot do without (the locale's own files are checked with the content).
    public static let required = [
        "services.json", "keymap.json", "locales/zh-CN.json", "locales/print.zh-CN.json",
        "templates/receipt.json", "templates/certificate.json",
    ]

    /// A relative path with no way out of the folder: not empty, not absolute, no "." or ".."
    /// parts, no empty parts, no backslash or NUL.
    public static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// What in a bundle's file list can never be unpacked, whatever the disk: a path that would
    /// land outside the folder, a file that is also another's folder (`a` and `a/b`), a name
    /// longer than 255 bytes. nil when the list can be unpacked (a failure then is the disk's).
    public static func layoutProblem(_ paths: some Collection<String>) -> String? {
        let all = Set(paths)
        for path in all.sorted() {
            guard isSafe(path) else { return "bundle file '\(path)' would be written outside the bundle folder" }
            let parts = path.split(separator: "/")
            if parts.contains(where: { $0.utf8.count > 255 }) {
                return "bundle file '\(path.prefix(60))…' has a name longer than 255 bytes"
            }
            var folder = ""
            for part in parts.dropLast() {
                folder += folder.isEmpty ? String(part) : "/" + part
                if all.contains(folder) { return "bundle file '\(folder)' is also the folder of '\(path)'" }
            }
        }
        return nil
    }

    /// Whether a (safe) path is one a bundle may carry.
    public static func isCarried(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.count {
        case 1: return topLevel.contains(parts[0])
        case 2: return folders.contains(parts[0]) && parts[1].hasSuffix(".json") && !parts[1].hasPrefix(".")
        default: return false
        }
    }

    /// The files of a bundle source folder, relative path → bytes; other files (kiosk.yaml,
    /// README, examples/) are left out.
    public static func collect(directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KioskError(.configuration, "\(directory.path): not a folder")
        }
        func read(_ relative: String) throws {
            guard let data = manager.contents(atPath: directory.appendingPathComponent(relative).path) else {
                throw KioskError(.configuration, "\(directory.appendingPathComponent(relative).path): cannot read the file")
            }
            files[relative] = data
        }
        for name in topLevel.sorted() where manager.fileExists(atPath: directory.appendingPathComponent(name).path) {
            try read(name)
        }
        for folder in folders.sorted() {
            let names = (try? manager.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)) ?? []
            for name in names.sorted() where isCarried("\(folder)/\(name)") {
                try read("\(folder)/\(name)")
            }
        }
        return files
    }

    /// Unpacks a verified bundle's files into `directory` (created with its subfolders), each
    /// file written then fsynced, then the folders, so a power cut after this returns leaves
    /// them all. Refuses any path that would land outside `directory`.
    public static func unpack(_ bundle: VerifiedConfigBundle, into directory: URL) throws {
        let root = directory.standardizedFileURL
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var folders: Set<String> = [root.path]
        for (path, data) in bundle.files.sorted(by: { $0.key < $1.key }) {
            let target = root.appendingPathComponent(path).standardizedFileURL
            guard isSafe(path), target.path.hasPrefix(root.path + "/") else {
                throw KioskError(.configuration, "bundle file '\(path)' would be written outside \(root.path)")
            }
            let folder = target.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            folders.insert(folder.path)
            try DurableFile.write(data, to: target.path)
        }
        for folder in folders.sorted(by: >) { DurableFile.syncFolder(folder) }
    }
}
