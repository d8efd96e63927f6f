import Foundation

/// A service guide (服务指南) for the one-time notice (一次性告知): name, conditions, materials,
/// steps, time limit and channels of one item, shown to anyone, card or not. Operators write
/// them in kiosk-config/guides/*.json, in the hall's language.
public struct ServiceGuide: Sendable, Equatable, Codable {
    public var id: String
    public var order: Int
    public var title: String
    public var conditions: [String]
    public var materials: [String]
    public var steps: [String]
    public var timeLimit: String
    public var channels: [String]

    public init(
        id: String, order: Int, title: String, conditions: [String], materials: [String], steps: [String], timeLimit: String,
        channels: [String]
    ) {
        self.id = id
        self.order = order
        self.title = title
        self.conditions = conditions
        self.materials = materials
        self.steps = steps
        self.timeLimit = timeLimit
        self.channels = channels
    }

    /// Decodes one guide file; refuses an empty title or section, since a guide that leaves
    /// something out breaks the promise of telling everything once.
    public init(jsonData: Data) throws {
        let g: ServiceGuide
        do { g = try JSONDecoder().decode(ServiceGuide.self, from: jsonData) } catch {
            throw KioskError(.configuration, "guide: \(error)")
        }
        for (name, list) in [("conditions", g.conditions), ("materials", g.materials), ("steps", g.steps), ("channels", g.channels)]
        where list.isEmpty {
            throw KioskError(.configuration, "guide '\(g.id)': \(name) is empty")
        }
        guard !g.title.isEmpty, !g.timeLimit.isEmpty else {
            throw KioskError(.configuration, "guide '\(g.id)': title and timeLimit needed")
        }
        self = g
    }

    /// The five sections a guide screen pages through, in order.
    public enum Section: String, Sendable, CaseIterable {
        case conditions, materials, steps, timeLimit, channels
    }

    public func items(_ section: Section) -> [String] {
        switch section {
        case .conditions: conditions
        case .materials: materials
        case .steps: steps
        case .timeLimit: [timeLimit]
        case .channels: channels
        }
    }
}
