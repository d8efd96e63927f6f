import ArgumentParser
import Dispatch
import Foundation
import KioskCore
import KioskDaemon
import KioskPrint
import KioskRender

/// `kiosk-bench print`: rendering a 2-page certificate (per page), and submit → completed at the
/// virtual printer for that PDF through our adapter and through `lp`, alternated in one run and
/// judged by the same job query at the same interval.
struct PrintBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "print", abstract: "Print: render time; our adapter vs lp.")

    @Option(help: "The folder with templates/, locales/ and examples/.") var resources = "kiosk-config"
    @Option(help: "The CUPS queue to print on.") var queue = "kiosk-a4"
    @Option(help: "Renders.") var renders = 40
    @Option(help: "Jobs per side.") var jobs = 10
    @Option(help: "The kiosk-render executable (kioskd renders every document in one).") var render: String?

    func run() async throws {
        let renderer = DocumentRenderer(templates: try PrintTemplates.load(directory: resources))
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(resources)/examples/certificate.json"))
        let content = try JSONDecoder().decode(CertificateContent.self, from: data)
        var document = try renderer.certificate(content)
        var renderMs: [Double] = []
        for i in 0..<(renders + 3) {
            let start = ContinuousClock.now
            document = try renderer.certificate(content)
            if i >= 3 { renderMs.append((ContinuousClock.now - start).milliseconds) }
        }
        let render = Sample(values: renderMs)
        let perPage = render.median / Double(document.pages)
        // What kioskd does: a kiosk-render child per document (start, libraries, fonts, render).
        var childMs: [Double] = []
        if let executable = self.render {
            let child = ProcessDocumentRenderer(templates: renderer.templates, executable: executable)
            for i in 0..<(renders / 4 + 2) {
                let start = ContinuousClock.now
                _ = try await child.certificate(content)
                if i >= 2 { childMs.append((ContinuousClock.now - start).milliseconds) }
            }
        }

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-certificate.pdf").path
        try Data(document.pdf).write(to: URL(fileURLWithPath: file))
        let interval = Duration.milliseconds(100)
        let printer = CUPSKioskPrinter(queue: queue, log: UnrecordedPrintLog(), jobPollInterval: interval)
        var oursMs: [Double] = []
        var lpMs: [Double] = []
        for i in 0..<(jobs + 1) {
            // Alternate sides so drift in machine load hits both alike; the first round warms up.
            let a = try await timeOurs(printer, document)
            let b = try await timeLP(printer, file: file, interval: interval)
            if i >= 1 {
                oursMs.append(a)
                lpMs.append(b)
            }
        }
        let o = Sample(values: oursMs)
        let l = Sample(values: lpMs)
        let ratio = o.median / l.median
        print(
            "print: certificate of \(document.pages) pages, \(document.pdf.count) bytes; \(renders) renders; \(jobs) jobs a side on \(queue)"
        )
        print("| path | median ms | p95 ms | ratio (median) |")
        print("|---|---|---|---|")
        print("| render certificate (whole document) | \(fmt(render.median)) | \(fmt(render.percentile(95))) | |")
        if !childMs.isEmpty {
            let child = Sample(values: childMs)
            print("| the same in a kiosk-render child, as kioskd does it | \(fmt(child.median)) | \(fmt(child.percentile(95))) | |")
        }
        print("| lp + job query (baseline) | \(fmt(l.median)) | \(fmt(l.percentile(95))) | 1.00 |")
        print("| kioskd CUPSKioskPrinter submit + follow | \(fmt(o.median)) | \(fmt(o.percentile(95))) | \(fmt(ratio, 2)) |")
        print(goalLine("print-render-per-page", measured: "\(fmt(perPage, 1)) ms", target: "<= 50 ms", met: perPage <= 50))
        print(goalLine("print-submit-to-completed", measured: "\(fmt(ratio, 2))x lp", target: "<= 1.20x lp", met: ratio <= 1.2))
    }

    private func timeOurs(_ printer: CUPSKioskPrinter, _ document: RenderedDocument) async throws -> Double {
        let id = UUID().uuidString.lowercased()
        let start = ContinuousClock.now
        let job = try await printer.submit(
            PrintSubmission(
                requestId: id, kind: .testPage, sessionId: nil, pdf: document.pdf, pages: document.pages, media: ["iso_a4_210x297mm"],
                safeToRetry: true))
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: id)
        guard final.state == .completed else { throw ValidationError("our job \(job.jobId) ended \(final.state)") }
        return (ContinuousClock.now - start).milliseconds
    }

    private func timeLP(_ printer: CUPSKioskPrinter, file: String, interval: Duration) async throws -> Double {
        let queue = self.queue
        let start = ContinuousClock.now
        let id = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            // lp blocks in waitpid: a thread of its own, off the cooperative pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result { try LPCommand.submit(queue: queue, file: file, title: "kiosk-bench-lp") })
            }
        }
        while true {
            guard let job = try await printer.job(id) else { throw ValidationError("lp job \(id) vanished") }
            if job.state.isFinal {
                guard job.state == .completed else { throw ValidationError("lp job \(id) ended \(job.state)") }
                return (ContinuousClock.now - start).milliseconds
            }
            try await Task.sleep(for: interval)
        }
    }
}
