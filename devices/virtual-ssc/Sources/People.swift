import Foundation

/// `virtual-ssc --people DIR`: the citizens of every SSC profile, as devices/virtual-ssc/people.json
/// holds them, so the hub simulator can be seeded with exactly the people the cards carry.
struct Person: Encodable {
    var profile: String
    var ssn: String
    var name: String
    var cardNumber: String
    var cardIdentifier: String
    var sex: String
    var birthDate: String

    /// Loads and validates every profile in `directory` (a broken one fails the whole list).
    static func list(directory: URL) throws -> [Person] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var people: [Person] = []
        for file in files {
            let profile = try Profile.load(from: file)
            _ = try CardImage(profile)
            guard !profile.notSSC, let card = profile.card, let holder = profile.holder else { continue }
            people.append(
                Person(
                    profile: file.deletingPathExtension().lastPathComponent, ssn: holder.ssn, name: holder.name,
                    cardNumber: card.cardNumber, cardIdentifier: card.cardIdentifier.uppercased(), sex: holder.sex,
                    birthDate: holder.birthDate))
        }
        return people
    }

    static func json(_ people: [Person]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(people), as: UTF8.self) + "\n"
    }
}
