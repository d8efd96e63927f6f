/// One thing wrong with a site file, said in one line: the key, what is wrong, what to do.
public struct SiteProblem: Sendable, Equatable, CustomStringConvertible {
    public let key: String
    public let problem: String
    public let action: String

    public init(_ key: String, _ problem: String, action: String) {
        self.key = key
        self.problem = problem
        self.action = action
    }

    public var description: String { "\(key): \(problem): \(action)" }
}
