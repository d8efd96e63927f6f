import Foundation
import KioskCore
import KioskPrint
import KioskRender
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The render child started ahead of its document (`kiosk-render --warm`), the real one: what
/// it renders, what happens when it dies while it waits, and that it goes when kioskd stops.
/// Serialized: each test counts this process's waiting children.
@Suite(.tags(.integration), .serialized) struct WarmRenderChildIntegrationTests {
    static var executable: String { Rigs.binDir.appendingPathComponent("kiosk-render").path }

    static func warmChildren() throws -> WarmRenderChildren {
        let templates = try RenderChildIntegrationTests.templates()
        return WarmRenderChildren(executable: executable, fontFamilies: [templates.certificate.font, templates.receipt.font])
    }

    /// This process's render children that wait warm (zombies not counted).
    static func waitingChildren() -> Set<Int32> {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(
            entries.compactMap { Int32($0) }.filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return false }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 2, fields[0] != "Z", Int32(fields[1]) == me,
                    let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
                else { return false }
                return String(decoding: command, as: UTF8.self).contains(DocumentRenderChild.warmArgument)
            })
    }

    static func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never: \(what)")
    }

    /// The warm child renders the in-process document byte for byte, and is replaced after it:
    /// one child waits at a time.
    @Test func aWarmChildRendersTheSameDocumentAndAnotherWaitsAfterIt() async throws {
        let warm = try Self.warmChildren()
        defer { warm.stop() }
        warm.refill()
        try await Self.waitFor("a child waiting") { Self.waitingChildren().count == 1 }
        let first = Self.waitingChildren()
        let renderer = ProcessDocumentRenderer(
            templates: try RenderChildIntegrationTests.templates(), executable: Self.executable, warmChildren: warm)
        let content = try RenderChildIntegrationTests.certificate(months: 24)
        let document = try await renderer.certificate(content)
        #expect(document == (try DocumentRenderer(templates: try RenderChildIntegrationTests.templates()).certificate(content)))
        try await Self.waitFor("a fresh child waiting") {
            let now = Self.waitingChildren(); return now.count == 1 && now != first
        }
    }

    /// A warm child killed while it waits costs no document, even handed one the instant it
    /// died: a child started for it renders it, and a fresh warm one waits for the next.
    @Test func aWarmChildKilledWhileItWaitsCostsNoDocument() async throws {
        let warm = try Self.warmChildren()
        defer { warm.stop() }
        warm.refill()
        try await Self.waitFor("a child waiting") { Self.waitingChildren().count == 1 }
        let victim = try #require(Self.waitingChildren().first)
        // The document comes at once, before kioskd can have noticed the death.
        kill(victim, SIGKILL)
        let renderer = ProcessDocumentRenderer(
            templates: try RenderChildIntegrationTests.templates(), executable: Self.executable, warmChildren: warm)
        let document = try await renderer.certificate(try RenderChildIntegrationTests.certificate(months: 3))
        #expect(document.pages == 1 && document.pdf.starts(with: Array("%PDF-".utf8)))
        try await Self.waitFor("a fresh child waiting") { Self.waitingChildren().count == 1 }
    }

    /// kioskd stopping lets the waiting child go: it reads the end of its input and exits.
    @Test func stoppingLetsTheWaitingChildGo() async throws {
        let warm = try Self.warmChildren()
        warm.refill()
        try await Self.waitFor("a child waiting") { Self.waitingChildren().count == 1 }
        warm.stop()
        try await Self.waitFor("no child waiting") { Self.waitingChildren().isEmpty }
        warm.refill()
        try await Task.sleep(for: .milliseconds(200))
        #expect(Self.waitingChildren().isEmpty, "none is started after stop")
    }
}
