import ArgumentParser
import Dispatch
import Foundation
import KioskCore
import KioskDaemon
import KioskPrint
import KioskRender

/// `kiosk-bench print`: rendering a 2-page certificate (per page); submit → completed at the
/// virtual printer for that PDF through our adapter and through `lp`; Enter on the preview →
/// paper as kioskd does it (rendered from the preview on, in the render child kept warm) against
/// rendering in process plus `lp`; the size of the documents. Sides alternate in one run and are
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
        // A render child per document (start, libraries, fonts, render), for information; and
        // what kioskd does: the child started ahead (warm), given the certificate as soon as the
        // hub's answer is on the preview.
        var childMs: [Double] = []
        var warm: WarmRenderChildren?
        if let executable = self.render {
            let child = ProcessDocumentRenderer(templates: renderer.templates, executable: executable)
            for i in 0..<(renders / 4 + 2) {
                let start = ContinuousClock.now
                _ = try await child.certificate(content)
                if i >= 2 { childMs.append((ContinuousClock.now - start).milliseconds) }
            }
            warm = WarmRenderChildren(
                executable: executable, fontFamilies: [renderer.templates.certificate.font, renderer.templates.receipt.font])
        }
        defer { warm?.stop() }
        warm?.refill()

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-certificate.pdf").path
        try Data(document.pdf).write(to: URL(fileURLWithPath: file))
        let interval = Duration.milliseconds(100)
        let printer = CUPSKioskPrinter(queue: queue, log: UnrecordedPrintLog(), jobPollInterval: interval)
        var oursMs: [Double] = []
        var lpMs: [Double] = []
        var enterMs: [Double] = []
        var enterAtOnceMs: [Double] = []
        var floorMs: [Double] = []
        let warmRenderer = warm.flatMap { children in
            self.render.map { ProcessDocumentRenderer(templates: renderer.templates, executable: $0, warmChildren: children) }
        }
        for i in 0..<(jobs + 1) {
            // Alternate sides so drift in machine load hits both alike; the first round warms up.
            let a = try await timeOurs(printer, document)
            let b = try await timeLP(printer, file: file, interval: interval)
            // The floor: the same certificate rendered in process, then lp of it to completion.
            let renderStart = ContinuousClock.now
            _ = try renderer.certificate(content)
            let floor = (ContinuousClock.now - renderStart).milliseconds + (try await timeLP(printer, file: file, interval: interval))
            if let warmRenderer {
                // kioskd: the render starts with the preview; the citizen reads it for a moment
                // (1.5 s, less than anyone reads a certificate), then Enter.
                let c = try await timeEnter(printer, warmRenderer, content, reading: .milliseconds(1500))
                // For information: Enter the instant the preview shows.
                let d = try await timeEnter(printer, warmRenderer, content, reading: .zero)
                if i >= 1 {
                    enterMs.append(c)
                    enterAtOnceMs.append(d)
                }
            }
            if i >= 1 {
                oursMs.append(a)
                lpMs.append(b)
                floorMs.append(floor)
            }
        }
        let o = Sample(values: oursMs)
        let l = Sample(values: lpMs)
        let ratio = o.median / l.median
        let sizes = try documentSizes(renderer, certificate: content)
        print(
            "print: certificate of \(document.pages) pages, \(document.pdf.count) bytes; \(renders) renders; \(jobs) jobs a side on \(queue)"
        )
        print("| path | median ms | p95 ms | ratio (median) |")
        print("|---|---|---|---|")
        print("| render certificate (whole document) | \(fmt(render.median)) | \(fmt(render.percentile(95))) | |")
        if !childMs.isEmpty {
            let child = Sample(values: childMs)
            print("| the same in a kiosk-render child started for it | \(fmt(child.median)) | \(fmt(child.percentile(95))) | |")
        }
        print("| lp + job query (baseline) | \(fmt(l.median)) | \(fmt(l.percentile(95))) | 1.00 |")
        print("| kioskd CUPSKioskPrinter submit + follow | \(fmt(o.median)) | \(fmt(o.percentile(95))) | \(fmt(ratio, 2)) |")
        let floor = Sample(values: floorMs)
        var enterRatio: Double?
        if !enterMs.isEmpty {
            let enter = Sample(values: enterMs)
            let atOnce = Sample(values: enterAtOnceMs)
            enterRatio = enter.median / floor.median
            print("Enter on the preview → the last page completed at the printer:")
            print("| path | median ms | p95 ms | ratio to the floor (median) |")
            print("|---|---|---|---|")
            print("| floor: render in process + lp to completion | \(fmt(floor.median)) | \(fmt(floor.percentile(95))) | 1.00 |")
            print(
                "| kioskd: rendered in the warm child from the preview on, Enter after 1.5 s | \(fmt(enter.median)) | \(fmt(enter.percentile(95))) | \(fmt(enter.median / floor.median, 2)) |"
            )
            print(
                "| kioskd, Enter the instant the preview shows (for information) | \(fmt(atOnce.median)) | \(fmt(atOnce.percentile(95))) | \(fmt(atOnce.median / floor.median, 2)) |"
            )
        }
        print(
            "documents as they leave kioskd: receipt \(sizes.receipt / 1024) KB; certificate of \(sizes.certificatePages) pages \(sizes.certificate / 1024) KB"
        )
        print(goalLine("print-render-per-page", measured: "\(fmt(perPage, 1)) ms", target: "<= 50 ms", met: perPage <= 50))
        print(goalLine("print-submit-to-completed", measured: "\(fmt(ratio, 2))x lp", target: "<= 1.20x lp", met: ratio <= 1.2))
        if let enterRatio {
            print(goalLine("enter-to-paper", measured: "\(fmt(enterRatio, 2))x floor", target: "<= 1.10x floor", met: enterRatio <= 1.10))
        }
        let sizeMet = sizes.receipt <= 100 * 1024 && sizes.certificate <= 150 * 1024 && sizes.certificatePages == 3
        print(
            goalLine(
                "document-size", measured: "receipt \(sizes.receipt / 1024) KB, 3-page certificate \(sizes.certificate / 1024) KB",
                target: "<= 100 KB for the receipt, <= 150 KB for a 3-page certificate", met: sizeMet))
    }

    /// From Enter to the last page completed: the render began `reading` before Enter, when the
    /// preview showed, in the child kept warm (and replaced after it).
    private func timeEnter(
        _ printer: CUPSKioskPrinter, _ renderer: ProcessDocumentRenderer, _ content: CertificateContent, reading: Duration
    ) async throws -> Double {
        let prepared = Task { try await renderer.certificate(content) }
        if reading > .zero { try await Task.sleep(for: reading) }
        let start = ContinuousClock.now
        try await printToCompletion(printer, try await prepared.value, kind: .certificate)
        return (ContinuousClock.now - start).milliseconds
    }

    /// The example receipt, and the example certificate with as many months as fill 3 pages.
    private func documentSizes(
        _ renderer: DocumentRenderer, certificate: CertificateContent
    ) throws -> (receipt: Int, certificate: Int, certificatePages: Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(resources)/examples/receipt.json"))
        let receipt = try renderer.receipt(try JSONDecoder().decode(ReceiptContent.self, from: data))
        var content = certificate
        let row = content.certificate.rows[0]
        var document = try renderer.certificate(content)
        var months = content.certificate.rows.count
        while document.pages < 3 && months < 1200 {
            months += 6
            content.certificate.rows = (0..<months).map { i in
                var r = row
                r.month = String(format: "%04d-%02d", 2026 - i / 12, 12 - i % 12)
                return r
            }
            document = try renderer.certificate(content)
        }
        return (receipt.pdf.count, document.pdf.count, document.pages)
    }

    private func timeOurs(_ printer: CUPSKioskPrinter, _ document: RenderedDocument) async throws -> Double {
        let start = ContinuousClock.now
        try await printToCompletion(printer, document, kind: .testPage)
        return (ContinuousClock.now - start).milliseconds
    }

    /// Submits `document` through our adapter and follows it until the printer has completed it.
    private func printToCompletion(_ printer: CUPSKioskPrinter, _ document: RenderedDocument, kind: PrintRequest.Kind) async throws {
        let id = UUID().uuidString.lowercased()
        let job = try await printer.submit(
            PrintSubmission(
                requestId: id, kind: kind, sessionId: nil, pdf: document.pdf, pages: document.pages, media: ["iso_a4_210x297mm"],
                safeToRetry: true))
        let final = try await printer.waitForCompletion(jobId: job.jobId, requestId: id)
        guard final.state == .completed else { throw ValidationError("our job \(job.jobId) ended \(final.state)") }
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
