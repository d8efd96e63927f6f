import Foundation
import KioskCore
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Renders in a short-lived child process, `kiosk-render`: cairo, pango, fontconfig
/// and the CJK fonts cost an idle kioskd ~80 MB once it has printed, and malloc_trim gives none
/// of it back; in a child they go when it exits. The child is an executable of its own, so
/// kioskd does not even load those libraries (mapped and relocated, they would take some 4 MB
/// of its idle memory). A crash in those libraries then ends the child, not the kiosk. Every failure of the
/// child (exit status, garbage, hang, missing executable) is a `.printer` error, which the
/// session already handles as a printer fault; a rendering refusal the child reports
/// (`invalidInput`: glyphs the fonts lack) keeps its code.
public struct ProcessDocumentRenderer: DocumentRendering {
    public let templates: PrintTemplates
    public let executable: String
    public let arguments: [String]
    /// How long a child may take before it is killed.
    public let timeout: Duration
    /// The largest answer accepted (a certificate of 100 years of months is ~1 MB).
    public let outputLimit: Int
    /// The child kept started ahead of the next document; nil: a cold child per document.
    public let warmChildren: WarmRenderChildren?

    public init(
        templates: PrintTemplates, executable: String, arguments: [String] = [], timeout: Duration = .seconds(30),
        outputLimit: Int = 64 << 20, warmChildren: WarmRenderChildren? = nil
    ) {
        self.templates = templates
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.warmChildren = warmChildren
    }

    /// The renderer kioskd uses: `executable`, or by default the `kiosk-render` installed beside
    /// the running program (kioskd, kioskctl, the test runner: all in one bin directory).
    /// `warmChildren`: one child kept ready, shared by every language's renderer.
    public static func renderer(
        templates: PrintTemplates, executable: String?, warmChildren: WarmRenderChildren? = nil
    ) -> ProcessDocumentRenderer {
        ProcessDocumentRenderer(templates: templates, executable: executable ?? siblingRenderer, warmChildren: warmChildren)
    }

    /// `kiosk-render` beside the running program or in the package's private folder, resolved
    /// once, when the program starts.
    public static let siblingRenderer = HelperProgram.sibling("kiosk-render")

    /// Where `kiosk-render` is for a program at `program` (`HelperProgram.path`).
    static func renderer(besideProgram program: String, exists: (String) -> Bool) -> String {
        HelperProgram.path("kiosk-render", besideProgram: program, exists: exists)
    }

    public func receipt(_ content: ReceiptContent) async throws -> RenderedDocument {
        try await render(DocumentRenderChild.Request(templates: templates, receipt: content), "rendering a receipt")
    }

    public func certificate(_ content: CertificateContent) async throws -> RenderedDocument {
        try await render(DocumentRenderChild.Request(templates: templates, certificate: content), "rendering a certificate")
    }

    /// An error the child reports already says "rendering a …" (DocumentRenderer adds it there), so
    /// it comes through as in process; failures of the child itself get `context` here.
    func render(_ request: DocumentRenderChild.Request, _ context: String) async throws -> RenderedDocument {
        switch try await verdict(request) {
        case .document(let document): return document
        case .reported(let error): throw error
        case .failed(let error): throw error.adding(context: context)
        }
    }

    enum Verdict: Sendable {
        case document(RenderedDocument)
        /// The child rendered and refused, with its own error.
        case reported(KioskError)
        /// The child failed: could not start, crashed, hung, answered garbage.
        case failed(KioskError)
    }

    /// Throws only CancellationError: every other failure is a verdict. With `warmChildren`, the
    /// child started ahead takes the request, and the next is started once this document is
    /// done, so the two never compete for the processor. A warm child that answers nothing at
    /// all (it died while it waited: killed, crashed) is not this document's failure: a child
    /// started for it renders it.
    private func verdict(_ request: DocumentRenderChild.Request) async throws -> Verdict {
        let input: [UInt8]
        do { input = Array(try JSONEncoder().encode(request)) } catch {
            return .failed(KioskError(.invalidInput, "cannot encode the render request: \(error)"))
        }
        _ = Self.ignoreSIGPIPE
        defer { warmChildren?.refill() }
        if let child = warmChildren?.take() {
            let answer = try await outcome(of: child.hand(input), input)
            if case .finished(let status, let stdout, _) = answer, stdout.isEmpty, status != .exited(0) {
                return verdict(of: try await outcome(of: nil, input))
            }
            return verdict(of: answer)
        }
        return verdict(of: try await outcome(of: nil, input))
    }

    /// The outcome of the warm child's `run`, or of a child started now, within the timeout.
    /// Throws only CancellationError (failures of the child are outcomes, `.failed` below).
    private func outcome(of warm: Task<Outcome, any Error>?, _ input: [UInt8]) async throws -> Outcome {
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                if let warm {
                    group.addTask {
                        try await withTaskCancellationHandler {
                            try await warm.value
                        } onCancel: {
                            warm.cancel()
                        }
                    }
                } else {
                    group.addTask { [executable, arguments, outputLimit] in
                        try await Self.runChild(executable: executable, arguments: arguments, outputLimit: outputLimit) { input }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
                // The first to finish wins; cancelling the run makes swift-subprocess kill the
                // child, and the group waits for it to be reaped before returning.
                let first = try await group.next() ?? .timedOut
                group.cancelAll()
                return first
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .failedToRun(KioskError(.printer, "the render child \(executable) failed: \(error)"))
        }
    }

    private func verdict(of outcome: Outcome) -> Verdict {
        switch outcome {
        case .failedToRun(let error):
            return .failed(error)
        case .timedOut:
            return .failed(KioskError(.printer, "the render child did not answer within \(timeout), killed"))
        case .finished(let status, let stdout, let stderr):
            return Self.verdict(status: status, stdout: stdout, stderrTail: stderr)
        }
    }

    enum Outcome: Sendable {
        case finished(TerminationStatus, stdout: [UInt8], stderrTail: String)
        case timedOut
        /// The child could not be started or run at all.
        case failedToRun(KioskError)
    }

    /// Runs one child: `input` is awaited once the child runs (a warm child waits for its
    /// document there), then written to its stdin; nil closes stdin unwritten (a warm child let
    /// go reads no request and exits).
    static func runChild(
        executable: String, arguments: [String], outputLimit: Int, input: @escaping @Sendable () async -> [UInt8]?
    ) async throws -> Outcome {
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments), input: .inputWriter, output: .bytes(limit: outputLimit),
            error: .sequence
        ) { execution in
            // Read stderr while writing: a child that writes much to stderr before reading its
            // stdin would otherwise block us both.
            async let tail = Self.tail(of: execution.standardError)
            // Written here rather than with `input: .array`: if the child exits before reading,
            // that writer dies on EPIPE with fatalError("FileDescriptor … was not closed") and
            // takes kioskd along. Here EPIPE (SIGPIPE is ignored) is a write error we drop: the
            // exit status and stderr say what went wrong. finish() exactly once closes the pipe.
            if let bytes = await input() { _ = try? await execution.standardInputWriter.write(bytes) }
            try? await execution.standardInputWriter.finish()
            return await tail
        }
        return .finished(result.terminationStatus, stdout: result.standardOutput, stderrTail: result.closureResult)
    }

    /// The last 2 KB of the child's stderr: what a crash or a library prints last is what matters.
    private static func tail(of stream: SubprocessOutputSequence) async -> String {
        var kept: [UInt8] = []
        do {
            for try await buffer in stream {
                buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
                if kept.count > 8192 { kept.removeFirst(kept.count - 2048) }
            }
        } catch {
            // A read error ends the tail; the exit status is the verdict.
        }
        let text = String(decoding: kept.suffix(2048), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func verdict(status: TerminationStatus, stdout: [UInt8], stderrTail: String) -> Verdict {
        let stderrNote = stderrTail.isEmpty ? "" : " (stderr: \(stderrTail))"
        switch status {
        case .exited(0):
            do { return .document(try DocumentRenderChild.parse(reply: stdout)) } catch {
                return .failed(KioskError(.printer, error.message + stderrNote))
            }
        case .exited(let code):
            if let reported = DocumentRenderChild.reportedError(in: stdout) { return .reported(reported) }
            return .failed(KioskError(.printer, "the render child exited with status \(code)\(stderrNote)"))
        case .signaled(let signal):
            return .failed(KioskError(.printer, "the render child was killed by signal \(signal)\(stderrNote)"))
        }
    }

    /// Once per process: a write to a child that has exited returns EPIPE instead of killing the
    /// daemon. (Children get default signal dispositions from swift-subprocess.)
    static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
