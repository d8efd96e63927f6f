import Foundation
import KioskCore
import Yams

/// Reads kiosk-config YAML into a `KioskConfiguration`. Every problem comes back with the file,
/// the line and what is allowed; a file with any problem is refused whole, so a typo never
/// runs half a configuration.
public enum ConfigurationLoader {
    /// The keys each section allows, so a misspelt key is an error rather than a silent default.
    static let allowedKeys: [String: Set<String>] = [
        "": ["kiosk", "hub", "card", "printers", "store", "console", "files", "camera", "session", "control", "metrics", "bundles"],
        "kiosk": ["id", "hall", "locale", "groups"],
        "hub": ["url", "timeoutSeconds", "clientCertificate", "clientKey", "caCertificate"],
        "card": ["reader"],
        "printers": ["receipt", "certificate"],
        "store": ["path"],
        "console": ["refreshSeconds"],
        "files": ["directory"],
        "camera": ["folder"],
        "control": ["socket"],
        "metrics": ["listen"],
        "bundles": ["trustDirectory", "directory", "pollSeconds"],
        "session": ["idleSeconds", "promptSeconds", "takeCardReminderSeconds", "cardLeftSeconds", "noticeSeconds", "guideIdleSeconds"],
    ]

    public static func load(path: String) throws -> KioskConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KioskError(.configuration, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KioskError(.configuration, "\(path): not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> KioskConfiguration {
        let node: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else { return KioskConfiguration() }
            node = parsed
        } catch let error as YamlError {
            throw KioskError(.configuration, "\(file): \(error)")
        }
        var problems = unknownKeys(in: node, section: "", file: file)
        var configuration = KioskConfiguration()
        if problems.isEmpty {
            do {
                configuration = try YAMLDecoder().decode(KioskConfiguration.self, from: node)
            } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                problems.append("\(file):\(line(of: context.codingPath, in: node)): \(path): expected \(type)")
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        if problems.isEmpty {
            problems += configuration.validationErrors().map { "\(file):\(line(ofDotted: $0, in: node)): \($0)" }
        }
        guard problems.isEmpty else {
            throw KioskError(.configuration, problems.joined(separator: "\n"))
        }
        return configuration
    }

    private static func unknownKeys(in node: Node, section: String, file: String) -> [String] {
        guard let mapping = node.mapping, let allowed = allowedKeys[section] else { return [] }
        var problems: [String] = []
        for (key, value) in mapping {
            let name = key.string ?? "?"
            let line = (key.mark?.line).map(String.init) ?? "?"
            if !allowed.contains(name) {
                let where_ = section.isEmpty ? "top level" : "section \(section)"
                problems.append("\(file):\(line): unknown key '\(name)' in \(where_); allowed: \(allowed.sorted().joined(separator: ", "))")
            } else if section.isEmpty {
                if value.mapping == nil {
                    problems.append("\(file):\(line): '\(name)' must be a section (keys indented below it)")
                } else {
                    problems += unknownKeys(in: value, section: name, file: file)
                }
            }
        }
        return problems
    }

    private static func line(of codingPath: [any CodingKey], in node: Node) -> String {
        var current: Node? = node
        var mark = node.mark
        for key in codingPath {
            guard let mapping = current?.mapping else { break }
            if let pair = mapping.first(where: { $0.key.string == key.stringValue }) {
                mark = pair.key.mark
                current = pair.value
            }
        }
        return (mark?.line).map(String.init) ?? "?"
    }

    /// The line of "section.key: …" messages from validation.
    private static func line(ofDotted message: String, in node: Node) -> String {
        let path = message.prefix { $0 != ":" }.split(separator: ".").map(String.init)
        var current: Node? = node
        var mark: Mark?
        for part in path {
            guard let pair = current?.mapping?.first(where: { $0.key.string == part }) else { break }
            mark = pair.key.mark
            current = pair.value
        }
        return (mark?.line).map(String.init) ?? "?"
    }
}
