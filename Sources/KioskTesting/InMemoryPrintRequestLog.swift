import KioskCore

/// A PrintRequestLog in memory, for tests: it also keeps every call in order, so a test can say
/// "recorded before sent" and "closed once".
public actor InMemoryPrintRequestLog: PrintRequestLog {
    public enum Event: Sendable, Equatable {
        case recorded(String)
        case attached(String, jobId: Int)
        case finished(String, PrintOutcome)
    }

    public private(set) var requests: [String: PrintRequest] = [:]
    public private(set) var outcomes: [String: PrintOutcome] = [:]
    public private(set) var events: [Event] = []
    private var order: [String] = []

    public init(open: [PrintRequest] = []) {
        for request in open {
            requests[request.id] = request
            order.append(request.id)
        }
    }

    public func recordRequest(_ request: PrintRequest) async throws {
        guard requests[request.id] == nil else { throw KioskError(.store, "print request \(request.id) is recorded already") }
        requests[request.id] = request
        order.append(request.id)
        events.append(.recorded(request.id))
    }

    public func attachJob(requestId: String, printer: String, jobId: Int) async throws {
        guard requests[requestId] != nil else { throw KioskError(.store, "no print request \(requestId)") }
        requests[requestId]?.jobId = jobId
        requests[requestId]?.printer = printer
        events.append(.attached(requestId, jobId: jobId))
    }

    public func finish(requestId: String, outcome: PrintOutcome) async throws {
        guard requests[requestId] != nil else { throw KioskError(.store, "no print request \(requestId)") }
        guard outcomes[requestId] == nil else { throw KioskError(.store, "print request \(requestId) is finished already") }
        outcomes[requestId] = outcome
        events.append(.finished(requestId, outcome))
    }

    public func openRequests() async throws -> [PrintRequest] {
        order.filter { outcomes[$0] == nil }.compactMap { requests[$0] }
    }
}
