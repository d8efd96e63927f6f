import Foundation

/// A card as a profile file describes it: human-readable fields, encoded by `CardImage`.
/// The schema is documented in devices/virtual-ssc/README.md.
struct Profile: Decodable {
    struct Card: Decodable {
        var cardIdentifier: String
        var category: String?
        var specVersion: String?
        /// Absent on generation 1 cards (no record 04).
        var institution: String?
        var issueDate: String
        var expiryDate: String
        var cardNumber: String
    }

    struct Holder: Decodable {
        var ssn: String
        var name: String
        var sex: String
        var ethnicity: Int?
        var birthplace: String
        var birthDate: String
    }

    var description: String?
    var atr: String?
    var generation: Int = 2
    var t0: Bool = false
    var card: Card?
    var holder: Holder?
    var ef06Order: [String]?
    var pin: String = "123456"
    var pinTriesLeft: Int = 3
    var authKey: String?
    /// "EF06:09" -> the whole TLV as the card answers it. Lets a profile carry deliberate garbage.
    var rawRecords: [String: String] = [:]
    var notSSC: Bool = false

    static let defaultATR = "3B6D00000087CF20018649618B00930612"

    private enum CodingKeys: String, CodingKey {
        case description, atr, generation, t0, card, holder, ef06Order, pin, pinTriesLeft, authKey, rawRecords, notSSC
    }

    // Written out because synthesized decoding ignores default values: every field but the ones a
    // card needs may be left out of a profile.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        atr = try c.decodeIfPresent(String.self, forKey: .atr)
        generation = try c.decodeIfPresent(Int.self, forKey: .generation) ?? 2
        t0 = try c.decodeIfPresent(Bool.self, forKey: .t0) ?? false
        card = try c.decodeIfPresent(Card.self, forKey: .card)
        holder = try c.decodeIfPresent(Holder.self, forKey: .holder)
        ef06Order = try c.decodeIfPresent([String].self, forKey: .ef06Order)
        pin = try c.decodeIfPresent(String.self, forKey: .pin) ?? "123456"
        pinTriesLeft = try c.decodeIfPresent(Int.self, forKey: .pinTriesLeft) ?? 3
        authKey = try c.decodeIfPresent(String.self, forKey: .authKey)
        rawRecords = try c.decodeIfPresent([String: String].self, forKey: .rawRecords) ?? [:]
        notSSC = try c.decodeIfPresent(Bool.self, forKey: .notSSC) ?? false
    }

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Finds a profile: a path as given, else NAME.json in $KIOSK_SSC_PROFILES, in
    /// ./devices/virtual-ssc/profiles, then in devices/virtual-ssc/profiles of the repo holding the
    /// executable (so `card insert` works from any working directory).
    static func resolve(_ nameOrPath: String) throws(LoadError) -> URL {
        let fm = FileManager.default
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") {
            guard fm.fileExists(atPath: nameOrPath) else { throw LoadError(description: "profile file \(nameOrPath) does not exist") }
            return URL(fileURLWithPath: nameOrPath)
        }
        var tried: [String] = []
        for directory in searchDirectories() {
            let candidate = directory.appendingPathComponent("\(nameOrPath).json")
            tried.append(candidate.path)
            if fm.fileExists(atPath: candidate.path) { return candidate }
        }
        throw LoadError(description: "no profile named '\(nameOrPath)'; looked for: \(tried.joined(separator: ", "))")
    }

    static func searchDirectories() -> [URL] {
        var directories: [URL] = []
        if let env = ProcessInfo.processInfo.environment["KIOSK_SSC_PROFILES"], !env.isEmpty {
            directories.append(URL(fileURLWithPath: env))
        }
        directories.append(URL(fileURLWithPath: "devices/virtual-ssc/profiles"))
        // The executable lives in <repo>/.build/<triple>/debug: walk up to the repo.
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("devices/virtual-ssc/profiles")
            if FileManager.default.fileExists(atPath: candidate.path) {
                directories.append(candidate)
                break
            }
            directory = directory.deletingLastPathComponent()
        }
        var seen: Set<String> = []
        return directories.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    static func load(from url: URL) throws(LoadError) -> Profile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError(description: "cannot read profile \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Profile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw LoadError(description: "profile \(url.lastPathComponent): missing field \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw LoadError(description: "profile \(url.lastPathComponent): wrong type at \(path(context.codingPath))")
        } catch {
            throw LoadError(description: "profile \(url.lastPathComponent): invalid JSON: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
