import KioskCore
import KioskDiagnostics
import Logging
import ServiceLifecycle

/// When a front starts: the configured reader and queues against what pcscd and cupsd list, one
/// log line each that is missing, with what to do. The front serves anyway: a USB reader can be
/// plugged back and a queue re-added, and the session already says a missing device plainly.
struct SiteDeviceCheckService: Service {
    let configuration: KioskConfiguration
    let readers: any ReaderDirectory
    let printers: any PrinterDirectory
    let logger: Logger

    func run() async throws {
        let survey = await DeviceSurvey.take(readers: readers, printers: printers)
        for problem in survey.siteProblems(configuration) { logger.error("\(problem)") }
    }
}
