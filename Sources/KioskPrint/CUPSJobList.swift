import CCUPS
import KioskCore

/// The jobs of a queue that have not finished, with their age: what `kioskctl diag` needs to
/// tell a stuck queue from a busy one. Asks cupsd by IPP (Get-Jobs, not-completed) on a thread
/// of its own, like every libcups call.
public actor CUPSJobList {
    /// One unfinished job; no job name or owner (a job name carries a request id, not for diagnostics).
    public struct Job: Sendable, Equatable {
        public var jobId: Int
        public var state: PrintJobState?
        /// time-at-creation, seconds since 1970; nil when cupsd did not say.
        public var createdAt: Int?

        public init(jobId: Int, state: PrintJobState?, createdAt: Int?) {
            self.jobId = jobId
            self.state = state
            self.createdAt = createdAt
        }
    }

    private let executor = BlockingExecutor(label: "kioskd.cups.jobs")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let timeoutMs: Int32

    public init(timeoutMs: Int32 = 5000) {
        self.timeoutMs = timeoutMs
    }

    /// Pending, held, processing and stopped jobs of `queue`, oldest first. Throws
    /// `cupsUnavailable` when cupsd does not answer.
    public func unfinishedJobs(queue: String) throws -> [Job] {
        try KioskError.during("listing the jobs of \(queue)") {
            let connection = try CUPSConnection(timeoutMs: timeoutMs)
            let request = IPPRequest(IPP_OP_GET_JOBS)
            request.add("printer-uri", uri: "ipp://localhost/printers/\(queue)")
            request.add("which-jobs", keyword: "not-completed")
            request.add("requested-attributes", keywords: ["job-id", "job-state", "time-at-creation"])
            let response = try connection.perform(request, notFoundIsEmpty: true)
            return response.groups.compactMap { group -> Job? in
                guard let id = group["job-id"]?.first.flatMap({ Int($0) }) else { return nil }
                let state = group["job-state"]?.first.flatMap { Int($0) }.flatMap { PrintJobState(ippValue: $0) }
                return Job(jobId: id, state: state, createdAt: group["time-at-creation"]?.first.flatMap { Int($0) })
            }.sorted { $0.jobId < $1.jobId }
        }
    }
}
