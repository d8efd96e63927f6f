import Foundation
import KioskCore
import Testing

@testable import KioskPrint

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's side of the render child, against fake children (/bin/sh): every way a child can
/// fail is a `.printer` error that names what happened, and none of them harms the daemon. The
/// real `kiosk-render` is in KioskIntegrationTests (RenderChildIntegrationTests).
@Suite struct ProcessDocumentRendererTests {
    /// A build folder keeps kiosk-render beside kioskd; the Debian package puts it in
    /// /usr/lib/kioskd (not a command for people). Neither: the path beside, so errors name it.
    @Test func theRendererIsBesideTheProgramOrInThePackagesFolder() {
        let packaged: Set = ["/usr/lib/kioskd/kiosk-render"]
        #expect(
            ProcessDocumentRenderer.renderer(besideProgram: "/usr/bin/kioskd", exists: packaged.contains) == "/usr/lib/kioskd/kiosk-render")
        let both: Set = ["/opt/kioskd-src/.build/debug/kiosk-render", "/opt/kioskd-src/.build/lib/kioskd/kiosk-render"]
        #expect(
            ProcessDocumentRenderer.renderer(besideProgram: "/opt/kioskd-src/.build/debug/kioskd", exists: both.contains)
                == "/opt/kioskd-src/.build/debug/kiosk-render")
        #expect(ProcessDocumentRenderer.renderer(besideProgram: "/opt/kiosk/kioskd", exists: { _ in false }) == "/opt/kiosk/kiosk-render")
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func templates() throws -> PrintTemplates {
        try PrintTemplates.load(directory: repo.appendingPathComponent("kiosk-config").path)
    }

    static func certificate(rows: Int) throws -> CertificateContent {
        let url = repo.appendingPathComponent("kiosk-config/examples/certificate.json")
        var content = try JSONDecoder().decode(CertificateContent.self, from: Data(contentsOf: url))
        let row = content.certificate.rows[0]
        content.certificate.rows = (0..<rows).map { i in
            var r = row
            r.month = String(format: "%04d-%02d", 2026 - i / 12, 12 - i % 12)
            return r
        }
        return content
    }

    /// A renderer whose child is `sh -c script`; `$0` in the script is `argument`.
    static func shell(_ script: String, argument: String = "child", timeout: Duration = .seconds(30)) throws -> ProcessDocumentRenderer {
        ProcessDocumentRenderer(templates: try templates(), executable: "/bin/sh", arguments: ["-c", script, argument], timeout: timeout)
    }

    static func printerError(_ renderer: ProcessDocumentRenderer, rows: Int = 3) async throws -> KioskError? {
        let content = try certificate(rows: rows)
        return await #expect(throws: KioskError.self) { _ = try await renderer.certificate(content) }
    }

    static func isGone(_ pid: pid_t) -> Bool {
        kill(pid, 0) == -1 && errno == ESRCH
    }

    static func pidFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("render-child-\(UUID().uuidString).pid").path
    }

    @Test func withoutAnExecutableItUsesTheKioskRenderBesideTheProgram() throws {
        // Without a path, the kiosk-render installed beside the running program (here the test runner).
        let sibling = ProcessDocumentRenderer.renderer(templates: try Self.templates(), executable: nil).executable
        #expect(sibling.hasSuffix("/kiosk-render") && FileManager.default.isExecutableFile(atPath: sibling), "\(sibling)")
        #expect(
            ProcessDocumentRenderer.renderer(templates: try Self.templates(), executable: "/opt/k/kiosk-render").executable
                == "/opt/k/kiosk-render")
    }

    /// The crash seen before: a request larger than a pipe holds, to a child that exits without
    /// reading it. The write gets EPIPE; the daemon (this test process) lives on, every time.
    @Test func aChildThatExitsBeforeReadingIsAPrinterError() async throws {
        let renderer = try Self.shell("exit 3")
        let content = try Self.certificate(rows: 2000)
        // Several times what a pipe holds (64 KB unless raised), so the write is still going on
        // when the child exits.
        #expect(try JSONEncoder().encode(content).count > 4 << 16)
        for _ in 0..<5 {
            let error = await #expect(throws: KioskError.self) { _ = try await renderer.certificate(content) }
            #expect(error?.code == .printer)
            #expect(error?.message.contains("status 3") == true, "\(String(describing: error))")
        }
    }

    @Test func aFailingChildIsAPrinterErrorWithItsStderr() async throws {
        let error = try await Self.printerError(Self.shell("cat >/dev/null; echo 'Fontconfig error: no fonts' >&2; exit 1"))
        #expect(error?.code == .printer)
        #expect(error?.message.contains("status 1") == true)
        #expect(error?.message.contains("Fontconfig error: no fonts") == true, "\(String(describing: error))")
        #expect(error?.context == ["rendering a certificate"])
    }

    @Test func aChildsOwnErrorKeepsItsMessage() async throws {
        let error = try await Self.printerError(
            Self.shell("cat >/dev/null; printf 'error printer\\ncairo could not create a PDF surface'; exit 1"))
        #expect(error == KioskError(.printer, "cairo could not create a PDF surface"))
    }

    @Test(arguments: ["echo hello", "printf 'pdf 1\\nhello'", "true"])
    func garbageIsAPrinterError(answer: String) async throws {
        let error = try await Self.printerError(Self.shell("cat >/dev/null; \(answer)"))
        #expect(error?.code == .printer)
        #expect(error?.context == ["rendering a certificate"])
    }

    @Test func aCrashedChildIsAPrinterError() async throws {
        let error = try await Self.printerError(Self.shell("cat >/dev/null; echo 'Segmentation fault in pango' >&2; kill -SEGV $$"))
        #expect(error?.code == .printer)
        #expect(error?.message.contains("signal \(SIGSEGV)") == true, "\(String(describing: error))")
        #expect(error?.message.contains("Segmentation fault in pango") == true)
    }

    @Test func aMissingExecutableIsAPrinterError() async throws {
        let renderer = ProcessDocumentRenderer(templates: try Self.templates(), executable: "/nonexistent/kioskd")
        let error = try await Self.printerError(renderer)
        #expect(error?.code == .printer)
        #expect(error?.message.contains("/nonexistent/kioskd") == true, "\(String(describing: error))")
    }

    @Test func aHangingChildIsKilledAtTheTimeout() async throws {
        let pidFile = Self.pidFile()
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let renderer = try Self.shell("echo $$ > \"$0\"; exec sleep 60", argument: pidFile, timeout: .seconds(1))
        let error = try await Self.printerError(renderer)
        #expect(error?.code == .printer)
        #expect(error?.message.contains("did not answer within") == true, "\(String(describing: error))")
        let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isGone(pid), "child \(pid) still exists")
    }

    /// A session that ends while its document renders cancels the task: the child goes with it.
    @Test func cancellingTheRenderKillsTheChild() async throws {
        let pidFile = Self.pidFile()
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let renderer = try Self.shell("echo $$ > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 60", argument: pidFile)
        let content = try Self.certificate(rows: 3)
        let task = Task { try await renderer.certificate(content) }
        var pidText: String?
        for _ in 0..<500 where pidText == nil {
            try await Task.sleep(for: .milliseconds(20))
            pidText = try? String(contentsOfFile: pidFile, encoding: .utf8)
        }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        let pid = try #require(pid_t(pidText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(Self.isGone(pid), "child \(pid) still exists")
    }
}
