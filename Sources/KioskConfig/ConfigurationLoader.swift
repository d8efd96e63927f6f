import Foundation
import KioskCore
import Yams

/// Reads kiosk-config YAML into a `KioskConfiguration`. Every problem comes back with the file,
/// the line and what is allowed; a file with any problem is refused whole, so a typo never
/// runs half a configuration.
///
/// A signed bundle's `settings.yaml` is an overlay: the same schema, fewer keys (`bundleKeys`),
/// merged over the site file key by key inside each section, the bundle winning.
public enum ConfigurationLoader {
    /// The keys each section allows, so a misspelt key is an error rather than a silent default:
    /// the configuration's own coding keys.
    static var allowedKeys: [String: Set<String>] { KioskConfiguration.fileKeys }

    /// What operations may set fleet-wide in a bundle's settings.yaml, in the order operators read
    /// it; nil: the whole section. Everything else (identity, devices, store, TLS paths, the trust
    /// folder) belongs to the kiosk and stays in its site file.
    static let bundleSections: [(section: String, keys: [String]?)] = [
        ("kiosk", ["hall", "locale"]), ("hub", ["url", "timeoutSeconds"]), ("session", nil), ("console", nil),
    ]

    /// `bundleSections` as a table like `allowedKeys` ("" lists the sections).
    public static let bundleKeys: [String: Set<String>] = bundleSections.reduce(into: ["": Set(bundleSections.map(\.section))]) {
        $0[$1.section] = $1.keys.map(Set.init) ?? allowedKeys[$1.section] ?? []
    }

    /// `bundleSections` as operators read it: "kiosk.hall, kiosk.locale, hub.url, …, session.*, console.*".
    public static let bundleKeysText = bundleSections.map { section, keys in
        keys.map { $0.map { "\(section).\($0)" }.joined(separator: ", ") } ?? "\(section).*"
    }.joined(separator: ", ")

    public static func load(path: String) throws -> KioskConfiguration {
        try parse(try readText(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> KioskConfiguration {
        try parse(text, file: file, overlay: nil, overlayFile: "")
    }

    /// The site file with `overlay` (a bundle's settings.yaml) merged over it.
    public static func parse(_ text: String, file: String, overlay: String?, overlayFile: String) throws -> KioskConfiguration {
        let (configuration, problems) = evaluate(site: (text, file), overlay: overlay.map { ($0, overlayFile) })
        guard problems.isEmpty else { throw KioskError(.configuration, problems.joined(separator: "\n")) }
        return configuration
    }

    /// Every problem of a settings.yaml on its own (over the defaults): keys a bundle may not set,
    /// wrong types, values out of range. Empty: it is a valid overlay.
    public static func overlayProblems(_ text: String, file: String) -> [String] {
        evaluate(site: nil, overlay: (text, file)).problems
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KioskError(.configuration, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KioskError(.configuration, "\(path): not UTF-8 text")
        }
        return text
    }

    // MARK: - Parsing, merging, checking

    private static func evaluate(site: (String, String)?, overlay: (String, String)?) -> (
        configuration: KioskConfiguration, problems: [String]
    ) {
        var problems: [String] = []
        var siteNode = Node.mapping(Node.Mapping([]))
        if let (text, file) = site {
            switch compose(text, file: file) {
            case .success(let node): siteNode = node ?? siteNode
            case .failure(let message): return (KioskConfiguration(), [message])
            }
            problems += unknownKeys(in: siteNode, section: "", file: file)
        }
        var overlayNode: Node?
        if let (text, file) = overlay {
            switch compose(text, file: file) {
            case .success(let node): overlayNode = node
            case .failure(let message): return (KioskConfiguration(), problems + [message])
            }
            if let node = overlayNode, node.mapping == nil {
                problems.append("\(file):\((node.mark?.line).map(String.init) ?? "1"): settings.yaml must be a mapping of sections")
            } else if let node = overlayNode {
                let keyProblems = bundleKeyProblems(in: node, section: "", file: file)
                // Checked without the refused keys, so one run names every problem.
                if !keyProblems.isEmpty, site == nil { overlayNode = pruned(node, to: bundleKeys) }
                problems += keyProblems
            }
        }
        guard problems.isEmpty || (site == nil && overlayNode?.mapping != nil) else { return (KioskConfiguration(), problems) }

        let (merged, fromOverlay) = merge(siteNode, overlayNode)
        func fileOf(_ path: [String]) -> String {
            let key = path.prefix(2).joined(separator: ".")
            return fromOverlay.contains(key) ? (overlay?.1 ?? "?") : (site?.1 ?? overlay?.1 ?? "?")
        }
        var configuration = KioskConfiguration()
        let keyProblemCount = problems.count
        do {
            configuration = try YAMLDecoder().decode(KioskConfiguration.self, from: merged)
        } catch let DecodingError.typeMismatch(type, context), let DecodingError.valueNotFound(type, context) {
            let path = context.codingPath.map(\.stringValue)
            problems.append("\(fileOf(path)):\(line(of: path, in: merged)): \(path.joined(separator: ".")): expected \(type)")
        } catch {
            problems.append("\(site?.1 ?? overlay?.1 ?? "?"): \(error)")
        }
        if problems.count == keyProblemCount {
            problems += configuration.validationErrors().map { message in
                let path = message.prefix { $0 != ":" }.split(separator: ".").map(String.init)
                return "\(fileOf(path)):\(line(of: path, in: merged)): \(message)"
            }
        }
        return (configuration, problems)
    }

    private enum Composed {
        case success(Node?)
        case failure(String)
    }

    private static func compose(_ text: String, file: String) -> Composed {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { return .failure("\(file): \(error)") }
        if let node, let problem = tagProblem(in: node, file: file) { return .failure(problem) }
        return .success(node)
    }

    /// A key tagged other than as a string (`!x kiosk:`, `!!int`), or a value with a tag of its
    /// own (`!x`), is refused: the key checks and the merge read a key's text, the decoder its
    /// tag too, so such a section would pass the checks unseen and change the merged result.
    private static func tagProblem(in node: Node, file: String) -> String? {
        let standard = "tag:yaml.org,2002:"
        func refused(_ node: Node) -> String {
            "\(file):\((node.mark?.line).map(String.init) ?? "?"): the YAML tag \(node.tag) is not allowed here"
        }
        switch node {
        case .scalar: break
        case .mapping(let mapping):
            for (key, value) in mapping {
                if key.tag.description != standard + "str" { return refused(key) }
                if let problem = tagProblem(in: value, file: file) { return problem }
            }
        case .sequence(let sequence):
            for item in sequence { if let problem = tagProblem(in: item, file: file) { return problem } }
        case .alias:
            return nil
        }
        return node.tag.description.hasPrefix(standard) ? nil : refused(node)
    }

    /// Section by section, key by key, the overlay's pairs replace the site's (keeping the
    /// overlay's key nodes, so their marks point into the overlay file). Also returns the
    /// "section.key" paths that came from the overlay, to name the right file in a message.
    private static func merge(_ site: Node, _ overlay: Node?) -> (Node, Set<String>) {
        guard let overlayMapping = overlay?.mapping, var pairs = site.mapping.map({ Array($0) }) else { return (site, []) }
        var fromOverlay = Set<String>()
        for (sectionKey, sectionValue) in overlayMapping {
            let name = sectionKey.string ?? ""
            let overlayPairs = sectionValue.mapping.map { Array($0) } ?? []
            for (key, _) in overlayPairs { fromOverlay.insert("\(name).\(key.string ?? "")") }
            if let index = pairs.firstIndex(where: { $0.key.string == name }), let siteSection = pairs[index].value.mapping {
                var merged = Array(siteSection)
                for (key, value) in overlayPairs {
                    if let at = merged.firstIndex(where: { $0.key.string == key.string }) {
                        merged[at] = (key, value)
                    } else {
                        merged.append((key, value))
                    }
                }
                pairs[index] = (
                    pairs[index].key, Node.mapping(Node.Mapping(merged.map { ($0.key, $0.value) }, .implicit, .any, siteSection.mark))
                )
            } else {
                pairs.append((sectionKey, sectionValue))
            }
        }
        return (Node.mapping(Node.Mapping(pairs.map { ($0.key, $0.value) })), fromOverlay)
    }

    /// `node` with only the keys `table` allows (sections that are not mappings dropped).
    private static func pruned(_ node: Node, to table: [String: Set<String>]) -> Node {
        let sections = (node.mapping.map { Array($0) } ?? []).compactMap { key, value -> (Node, Node)? in
            guard let name = key.string, table[""]?.contains(name) == true, let section = value.mapping else { return nil }
            let kept = Array(section).filter { table[name]?.contains($0.key.string ?? "") == true }
            return (key, Node.mapping(Node.Mapping(kept.map { ($0.key, $0.value) }, .implicit, .any, section.mark)))
        }
        return Node.mapping(Node.Mapping(sections))
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

    /// Like `unknownKeys`, with the bundle's smaller set, and a plain word for a key that is
    /// valid in kiosk.yaml but local to each kiosk.
    private static func bundleKeyProblems(in node: Node, section: String, file: String) -> [String] {
        guard let mapping = node.mapping, let allowed = bundleKeys[section] else { return [] }
        var problems: [String] = []
        for (key, value) in mapping {
            let name = key.string ?? "?"
            let line = (key.mark?.line).map(String.init) ?? "?"
            let dotted = section.isEmpty ? name : "\(section).\(name)"
            if !allowed.contains(name) {
                let local = allowedKeys[section]?.contains(name) ?? false
                let what = local ? "'\(dotted)' is local to each kiosk (its kiosk.yaml)" : "unknown key '\(dotted)'"
                problems.append("\(file):\(line): \(what); a bundle may set only: \(bundleKeysText)")
            } else if section.isEmpty {
                if value.mapping == nil {
                    problems.append("\(file):\(line): '\(name)' must be a section (keys indented below it)")
                } else {
                    problems += bundleKeyProblems(in: value, section: name, file: file)
                }
            }
        }
        return problems
    }

    /// The line of the deepest key of `path` found in `node` ("?" when none).
    private static func line(of path: [String], in node: Node) -> String {
        var current: Node? = node
        var mark: Mark? = nil
        for part in path {
            guard let pair = current?.mapping?.first(where: { $0.key.string == part }) else { break }
            mark = pair.key.mark
            current = pair.value
        }
        return (mark?.line).map(String.init) ?? "?"
    }
}
