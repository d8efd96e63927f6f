import KioskCore

/// What a PSAM-backed authentication throws when the PSAM, not the citizen's card, fails: the
/// card application then reads what it can without the protected fields, and says why.
public struct PSAMFailure: Error, Sendable, CustomStringConvertible {
    public var problem: ProtectedDataProblem
    /// Plain English for the journal and the technician; never personal data.
    public var detail: String

    public init(_ problem: ProtectedDataProblem, _ detail: String) {
        self.problem = problem
        self.detail = detail
    }

    public var description: String { "\(problem.rawValue): \(detail)" }
}
