import Foundation
import KioskConsole
import KioskCore
import KioskPrint
import Yams

/// Whether a bundle's files would run a kiosk: settings.yaml within the keys a bundle may set,
/// each JSON file decodable by the loader that reads it (file:line: coding path: what), and the
/// whole set loadable as a `files.directory` on its own, by the daemon's own loaders.
enum ConfigBundleContent {
    static let carriedText = "settings.yaml, services.json, keymap.json, locales/*.json, guides/*.json, templates/*.json"

    /// Every problem; empty: valid. `name` turns a relative path into what the message shows.
    static func problems(_ files: [String: Data], name: (String) -> String = { $0 }) -> [String] {
        var problems: [String] = []
        for path in files.keys.sorted() where !ConfigBundleFiles.isCarried(path) {
            problems.append("\(name(path)): not a file a bundle carries; allowed: \(carriedText)")
        }
        var locales = ["zh-CN"]
        if let data = files["settings.yaml"] {
            if let text = String(data: data, encoding: .utf8) {
                problems += ConfigurationLoader.overlayProblems(text, file: name("settings.yaml"))
                if let locale = explicitLocale(text), !locales.contains(locale) { locales.append(locale) }
            } else {
                problems.append("\(name("settings.yaml")):1: not UTF-8 text")
            }
        }
        // Every locale the bundle brings screen texts for must be complete, to be offered.
        for path in files.keys.sorted() where path.hasPrefix("locales/") && !path.hasPrefix("locales/print.") && path.hasSuffix(".json") {
            let locale = String(path.dropFirst("locales/".count).dropLast(".json".count))
            if !locales.contains(locale) { locales.append(locale) }
        }
        let localeFiles = locales.flatMap { ["locales/\($0).json", "locales/print.\($0).json"] }
        for path in Array(Set(ConfigBundleFiles.required + localeFiles)).sorted() where files[path] == nil {
            problems.append("\(name(path)): missing; a bundle holds the whole files.directory (\(carriedText))")
        }
        for (path, data) in files.sorted(by: { $0.key < $1.key }) where path.hasSuffix(".json") && ConfigBundleFiles.isCarried(path) {
            if let problem = jsonProblem(path: path, data: data, name: name(path)) { problems.append(problem) }
        }
        if problems.isEmpty { problems += standAloneProblems(files, locales: locales, name: name) }
        return problems
    }

    /// kiosk.locale when settings.yaml sets it.
    private static func explicitLocale(_ text: String) -> String? {
        guard let node = try? Yams.compose(yaml: text) else { return nil }
        return node.mapping?["kiosk"]?.mapping?["locale"]?.string
    }

    /// Syntax, then the shape the file's loader decodes, then the loader's own rules.
    private static func jsonProblem(path: String, data: Data, name: String) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return syntaxProblem(error, data: data, name: name)
        }
        do {
            switch path {
            case "services.json":
                struct File: Decodable { var services: [ServiceDefinition] }
                _ = try ServiceCatalog(services: try JSONDecoder().decode(File.self, from: data).services)
            case "keymap.json":
                _ = try JSONDecoder().decode([String: [String]].self, from: data)
                _ = try KeyMap(jsonData: data)
            case "templates/receipt.json": _ = try JSONDecoder().decode(PrintTemplates.Receipt.self, from: data)
            case "templates/certificate.json": _ = try JSONDecoder().decode(PrintTemplates.Certificate.self, from: data)
            case _ where path.hasPrefix("locales/print."): _ = try JSONDecoder().decode(PrintTemplates.Texts.self, from: data)
            case _ where path.hasPrefix("locales/"): _ = try JSONDecoder().decode([String: String].self, from: data)
            case _ where path.hasPrefix("guides/"):
                _ = try JSONDecoder().decode(ServiceGuide.self, from: data)
                _ = try ServiceGuide(jsonData: data)
            default: break
            }
        } catch let error as DecodingError {
            return decodingProblem(error, data: data, name: name)
        } catch let error as KioskError {
            return "\(name): \(error.message)"
        } catch {
            return "\(name): \(error)"
        }
        return nil
    }

    /// The set unpacked into a scratch folder and read by KioskConfigFiles and PrintTemplates,
    /// exactly as the daemon will (guide ids unique, texts for every printed column, …).
    private static func standAloneProblems(_ files: [String: Data], locales: [String], name: (String) -> String) -> [String] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kioskd-bundle-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundle = VerifiedConfigBundle(
            version: 0, createdAt: Date(), expires: Date(), targets: [], keyId: "", sha256: "", files: files)
        do { try ConfigBundleFiles.unpack(bundle, into: scratch) } catch { return ["cannot check the files: \(error)"] }
        var problems: [String] = []
        for locale in locales {
            do {
                _ = try KioskConfigFiles.load(directory: scratch, locale: locale)
            } catch {
                let message = "\(error)".replacingOccurrences(of: scratch.standardizedFileURL.path + "/", with: name(""))
                    .replacingOccurrences(of: scratch.path + "/", with: name(""))
                problems.append(locales.count > 1 ? "\(message) (locale \(locale))" : message)
            }
        }
        return problems
    }

    /// Foundation says "around line L, column C" or "around character N" (a byte offset).
    private static func syntaxProblem(_ error: any Error, data: Data, name: String) -> String {
        let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        if let range = text.range(of: #"line \d+"#, options: .regularExpression) {
            return "\(name):\(text[range].dropFirst(5)): not valid JSON: \(text)"
        }
        if let range = text.range(of: #"character \d+"#, options: .regularExpression), let offset = Int(text[range].dropFirst(10)) {
            let line = data.prefix(offset).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return "\(name):\(line): not valid JSON: \(text)"
        }
        return "\(name): not valid JSON: \(text)"
    }

    private static func decodingProblem(_ error: DecodingError, data: Data, name: String) -> String {
        let path: [any CodingKey]
        let shown: [any CodingKey]
        let what: String
        switch error {
        case .typeMismatch(let type, let context):
            (path, shown, what) = (context.codingPath, context.codingPath, "expected \(type)")
        case .valueNotFound(let type, let context):
            (path, shown, what) = (context.codingPath, context.codingPath, "expected \(type), found null")
        case .keyNotFound(let key, let context):
            (path, shown, what) = (context.codingPath, context.codingPath + [key], "missing (required)")
        case .dataCorrupted(let context):
            (path, shown, what) = (context.codingPath, context.codingPath, context.debugDescription)
        @unknown default:
            return "\(name): \(error)"
        }
        let dotted = shown.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
        return "\(name):\(line(of: path, in: data)): \(dotted.isEmpty ? "the file" : dotted): \(what)"
    }

    /// The line of the deepest key of `path`, found by searching for each key in turn: cheap,
    /// and right for the files operators write (keys are rarely repeated inside values).
    static func line(of path: [any CodingKey], in data: Data) -> Int {
        let bytes = [UInt8](data)
        var position = 0
        for key in path where key.intValue == nil {
            let needle = [UInt8]("\"\(key.stringValue)\"".utf8)
            guard let found = find(needle, in: bytes, from: position) else { break }
            position = found + needle.count
        }
        return bytes[..<min(position, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var i = start
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
