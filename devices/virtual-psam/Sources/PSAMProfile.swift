import Foundation
import VirtualICC

/// A PSAM as a JSON file (README.md here): its ATR, transmission protocol, terminal number and
/// test key set. Checked at load, so a typo fails at start and not as a puzzling answer later.
struct PSAMProfile {
    struct Key {
        var usage: UInt8
        var version: UInt8
        var masterKey: [UInt8]
    }

    var atr: [UInt8]
    var t0: Bool
    /// EF 0016: the terminal number (终端机编号), 6 bytes.
    var terminalNumber: [UInt8]
    var keys: [Key]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    private struct File: Decodable {
        struct Key: Decodable {
            var usage: String
            var version: String
            var masterKey: String
        }
        var description: String?
        var atr: String
        var t0: Bool?
        var terminalNumber: String
        var keys: [Key]
    }

    static func load(from url: URL) throws -> PSAMProfile {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        func hex(_ text: String, _ field: String, count: Int? = nil) throws -> [UInt8] {
            guard let bytes = Hex.bytes(text), count.map({ bytes.count == $0 }) ?? !bytes.isEmpty else {
                throw Invalid(description: "\(field): \(count.map { "\($0 * 2) hex digits" } ?? "hex") expected, got '\(text)'")
            }
            return bytes
        }
        let keys = try file.keys.map { key in
            Key(
                usage: try hex(key.usage, "keys.usage", count: 1)[0], version: try hex(key.version, "keys.version", count: 1)[0],
                masterKey: try hex(key.masterKey, "keys.masterKey", count: 16))
        }
        guard !keys.isEmpty else { throw Invalid(description: "keys: a PSAM needs at least one key") }
        return PSAMProfile(
            atr: try hex(file.atr, "atr"), t0: file.t0 ?? true, terminalNumber: try hex(file.terminalNumber, "terminalNumber", count: 6),
            keys: keys)
    }

    /// A path, or a name looked up as NAME.json in ./devices/virtual-psam, then in
    /// devices/virtual-psam of the repository holding the executable.
    static func resolve(_ nameOrPath: String) -> URL {
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") { return URL(fileURLWithPath: nameOrPath) }
        let name = "devices/virtual-psam/\(nameOrPath).json"
        if FileManager.default.fileExists(atPath: name) { return URL(fileURLWithPath: name) }
        // The executable lives in <repo>/.build/<triple>/debug: walk up to the repository.
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: name)
    }
}
