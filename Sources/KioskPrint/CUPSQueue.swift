import CCUPS
import KioskCore

/// What `CUPSKioskPrinter` needs from CUPS, as a protocol so its bookkeeping (log before send,
/// reconciliation, holds) is unit-tested without cupsd.
protocol PrintQueueBackend: Sendable {
    func snapshot() async -> PrinterSnapshot
    func supportedMedia() async throws -> [String]
    func printJob(name: String, media: String?, pdf: [UInt8]) async throws -> PrintJobStatus
    /// nil when CUPS has no record of the job.
    func job(_ id: Int) async throws -> PrintJobStatus?
    /// Every job of the queue with this job-name, history included, oldest first.
    func jobs(named name: String) async throws -> [PrintJobStatus]
    func cancel(_ id: Int) async throws
    func resume() async throws
}

/// The blocking half of a kiosk printer: every libcups call for one queue, on a thread of its
/// own (the cooperative pool has two threads on a kiosk). Status is read from cupsd for the
/// queue (stopped, accepting, queued jobs) and, for an IPP printer, from the printer itself for
/// the rest, because cupsd does not poll an idle printer. A USB or serial printer cannot be
/// asked: its state is what its backend last told cupsd, unconfirmed while idle.
actor CUPSQueue: PrintQueueBackend {
    private let executor: BlockingExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let queue: String
    private let timeoutMs: Int32
    private let deviceTimeoutMs: Int32

    init(queue: String, timeoutMs: Int32 = 5000, deviceTimeoutMs: Int32 = 2000) {
        self.queue = queue
        self.timeoutMs = timeoutMs
        self.deviceTimeoutMs = deviceTimeoutMs
        self.executor = BlockingExecutor(label: "kioskd.cups.\(queue)")
    }

    /// The queue's URI at cupsd; the host part is not used for the Unix socket.
    private var printerURI: String { "ipp://localhost/printers/\(queue)" }

    private static let statusAttributes = [
        "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "queued-job-count", "device-uri", "media-ready",
        "media-supported", "marker-names", "marker-levels",
    ]

    func snapshot() -> PrinterSnapshot {
        let queueGroup: [String: [String]]
        do {
            let connection = try CUPSConnection(timeoutMs: timeoutMs)
            let request = IPPRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
            request.add("printer-uri", uri: printerURI)
            request.add("requested-attributes", keywords: Self.statusAttributes)
            let response = try connection.perform(request, resource: "/printers/\(queue)")
            guard let group = response.groups.first(where: { $0["printer-state"] != nil }) else {
                return .offline(queue: queue, detail: "cupsd has no queue \(queue)")
            }
            queueGroup = group
        } catch {
            if error.code == .printer { return .offline(queue: queue, detail: "cupsd has no queue \(queue): \(error.message)") }
            var snapshot = PrinterSnapshot.offline(queue: queue, detail: error.message)
            snapshot.reasons = [PrinterSnapshot.cupsdUnreachable]
            return snapshot
        }
        let queueState = printerStateWord(queueGroup["printer-state"]?.first)
        let queueReasons = Self.clean(queueGroup["printer-state-reasons"])
        let accepting = queueGroup["printer-is-accepting-jobs"]?.first != "false"
        let queued = Int(queueGroup["queued-job-count"]?.first ?? "") ?? 0

        var media = queueGroup["media-ready"] ?? []
        var markers = Self.markers(queueGroup)
        guard let uri = queueGroup["device-uri"]?.first, let parts = CUPSConnection.separate(uri: uri),
            ["ipp", "ipps"].contains(parts.scheme)
        else {
            // USB, serial, AppSocket: the printer cannot be asked, and cupsd knows only what the
            // backend said during the current or the last job.
            return PrinterSnapshot(
                queue: queue,
                condition: PrinterCondition.fromQueueOnly(state: queueState, reasons: queueReasons, acceptingJobs: accepting),
                state: queueState, reasons: Array(Set(queueReasons)).sorted(), media: media, markers: markers, acceptingJobs: accepting,
                queuedJobs: queued)
        }
        var state = queueState
        var reasons = queueReasons
        var detail: String?
        switch deviceAttributes(host: parts.host, port: parts.port, resource: parts.resource, uri: uri) {
        case .success(let device):
            // The printer knows its paper and doors; the queue knows whether it is stopped.
            let deviceState = printerStateWord(device["printer-state"]?.first)
            state = queueState == "stopped" ? "stopped" : (deviceState == "unknown" ? queueState : deviceState)
            reasons = Self.clean(device["printer-state-reasons"]) + queueReasons.filter { $0 == "paused" || $0.hasPrefix("cups-") }
            media = device["media-ready"] ?? media
            let deviceMarkers = Self.markers(device)
            if !deviceMarkers.isEmpty { markers = deviceMarkers }
        case .failure(let error):
            detail = error.message
            reasons.append("offline-report")
        }
        reasons = Array(Set(reasons)).sorted()
        return PrinterSnapshot(
            queue: queue, condition: PrinterCondition.from(state: state, reasons: reasons, acceptingJobs: accepting), state: state,
            reasons: reasons, media: media, markers: markers, acceptingJobs: accepting, queuedJobs: queued, detail: detail)
    }

    private func deviceAttributes(host: String, port: Int32, resource: String, uri: String) -> Result<[String: [String]], KioskError> {
        do {
            let connection = try CUPSConnection(host: host, port: port, timeoutMs: deviceTimeoutMs, what: "the printer of \(queue)")
            let request = IPPRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
            request.add("printer-uri", uri: uri)
            request.add(
                "requested-attributes",
                keywords: ["printer-state", "printer-state-reasons", "media-ready", "marker-names", "marker-levels"])
            let response = try connection.perform(request, resource: resource)
            return .success(response.groups.first(where: { $0["printer-state"] != nil }) ?? [:])
        } catch {
            return .failure(KioskError(.printer, "the printer of \(queue) at \(uri) does not answer: \(error.message)"))
        }
    }

    func supportedMedia() throws(KioskError) -> [String] {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        let request = IPPRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
        request.add("printer-uri", uri: printerURI)
        request.add("requested-attributes", keywords: ["media-supported"])
        let response = try connection.perform(request, resource: "/printers/\(queue)")
        return response.groups.compactMap { $0["media-supported"] }.first ?? []
    }

    func printJob(name: String, media: String?, pdf: [UInt8]) throws(KioskError) -> PrintJobStatus {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        let request = IPPRequest(IPP_OP_PRINT_JOB)
        request.add("printer-uri", uri: printerURI)
        request.add("requesting-user-name", name: CUPSConnection.user)
        request.add("job-name", name: name)
        request.add("document-format", mimeType: "application/pdf")
        if let media { request.addJob("media", keyword: media) }
        let response = try connection.perform(request, resource: "/printers/\(queue)", document: pdf)
        guard let group = response.groups.first(where: { $0["job-id"] != nil }), let status = Self.jobStatus(group, media: media) else {
            throw KioskError(.printer, "cupsd accepted the job for \(queue) but sent no job id")
        }
        return status
    }

    func job(_ id: Int) throws(KioskError) -> PrintJobStatus? {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        let request = IPPRequest(IPP_OP_GET_JOB_ATTRIBUTES)
        request.add("printer-uri", uri: printerURI)
        request.add("job-id", integer: id)
        request.add("requested-attributes", keywords: ["job-id", "job-state", "job-state-reasons", "job-name"])
        let response = try connection.perform(request, notFoundIsEmpty: true)
        return response.groups.first(where: { $0["job-id"] != nil }).flatMap { Self.jobStatus($0, media: nil) }
    }

    func jobs(named name: String) throws(KioskError) -> [PrintJobStatus] {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        let request = IPPRequest(IPP_OP_GET_JOBS)
        request.add("printer-uri", uri: printerURI)
        request.add("which-jobs", keyword: "all")
        request.add("requested-attributes", keywords: ["job-id", "job-state", "job-state-reasons", "job-name"])
        let response = try connection.perform(request, notFoundIsEmpty: true)
        return response.groups.filter { $0["job-name"]?.first == name }.compactMap { Self.jobStatus($0, media: nil) }
            .sorted { $0.jobId < $1.jobId }
    }

    func cancel(_ id: Int) throws(KioskError) {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        let request = IPPRequest(IPP_OP_CANCEL_JOB)
        request.add("printer-uri", uri: printerURI)
        request.add("job-id", integer: id)
        request.add("requesting-user-name", name: CUPSConnection.user)
        _ = try connection.perform(request, resource: "/jobs")
    }

    func resume() throws(KioskError) {
        let connection = try CUPSConnection(timeoutMs: timeoutMs)
        for op in [IPP_OP_RESUME_PRINTER, IPP_OP_CUPS_ACCEPT_JOBS] {
            let request = IPPRequest(op)
            request.add("printer-uri", uri: printerURI)
            request.add("requesting-user-name", name: CUPSConnection.user)
            _ = try connection.perform(request, resource: "/admin/")
        }
    }

    private static func clean(_ reasons: [String]?) -> [String] {
        (reasons ?? []).filter { $0 != "none" && !$0.isEmpty }
    }

    private static func markers(_ group: [String: [String]]) -> [PrinterMarker] {
        let names = group["marker-names"] ?? []
        let levels = group["marker-levels"] ?? []
        return zip(names, levels).map { PrinterMarker(name: $0, level: Int($1) ?? -1) }
    }

    private static func jobStatus(_ group: [String: [String]], media: String?) -> PrintJobStatus? {
        guard let id = group["job-id"]?.first.flatMap({ Int($0) }),
            let state = group["job-state"]?.first.flatMap({ Int($0) }).flatMap({ PrintJobState(ippValue: $0) })
        else { return nil }
        return PrintJobStatus(jobId: id, state: state, reasons: clean(group["job-state-reasons"]), media: media)
    }
}
