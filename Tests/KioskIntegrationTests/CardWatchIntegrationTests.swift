import Foundation
import Subprocess
import SystemPackage
import Testing

/// `kioskctl card watch` against a pcscd of the test's own: events for readers and cards, pcscd
/// stopped and restarted under a running watcher, and many insert/remove cycles without leaks.
@Suite(.tags(.integration)) struct CardWatchIntegrationTests {
    @Test func watcherReportsCardsAndSurvivesPcscdRestarting() async throws {
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        try await withWatcher(pcsc) { _, lines in
            try await lines.waitFor("both readers") { $0.filter { $0.contains("reader-added") }.count >= 2 }
            let card = try VirtualCard(profile: "gen2", port: pcsc.basePort)
            try await lines.waitFor("card inserted") { $0.contains { $0.contains("card-inserted") && $0.contains(pcsc.reader0) } }
            await card.remove()
            try await lines.waitFor("card removed") { $0.contains { $0.contains("card-removed") } }

            await pcsc.stop()
            try await lines.waitFor("pcscd unavailable") { $0.contains { $0.contains("pcscd-unavailable") } }
            try await pcsc.start()
            try await lines.waitFor("pcscd restored") { $0.contains { $0.contains("pcscd-restored") } }
            let again = try VirtualCard(profile: "gen2", port: pcsc.basePort)
            try await lines.waitFor("card after restart") { $0.filter { $0.contains("card-inserted") }.count >= 2 }
            await again.remove()
            let all = await lines.all
            // After the restart the readers are new readers: they were reported gone, then added.
            let restored = try #require(all.firstIndex { $0.contains("pcscd-restored") })
            #expect(all[..<restored].contains { $0.contains("reader-removed") })
            #expect(all[restored...].filter { $0.contains("reader-added") }.count == 2)
        }
        await pcsc.stop()
    }

    /// Insert/remove cycles (1,000 by default; KIOSK_CARD_CYCLES to change) under one watcher:
    /// every event arrives, and its descriptors and memory do not grow.
    @Test func insertRemoveCyclesLeakNothing() async throws {
        let cycles = Int(ProcessInfo.processInfo.environment["KIOSK_CARD_CYCLES"] ?? "") ?? 1000
        let pcsc = try IsolatedPCSC()
        try await pcsc.start()
        try await withWatcher(pcsc) { pid, lines in
            try await lines.waitFor("readers") { $0.filter { $0.contains("reader-added") }.count >= 2 }
            // Both readers cycle at once: pcscd polls presence a few times a second, so this halves
            // the run while the watcher still sees every event of every cycle.
            var baseline: (fds: Int, rssKB: Int)?
            let rounds = (cycles + 1) / 2
            for i in 1...rounds {
                let a = try VirtualCard(profile: "gen2", port: pcsc.basePort)
                let b = try VirtualCard(profile: "gen3", port: pcsc.basePort + 1)
                try await lines.waitFor("insert \(i)") { $0.filter { $0.contains("card-inserted") }.count >= 2 * i }
                await a.remove()
                await b.remove()
                try await lines.waitFor("remove \(i)") { $0.filter { $0.contains("card-removed") }.count >= 2 * i }
                if i == min(10, rounds) { baseline = usage(pid) }
            }
            let end = usage(pid)
            let start = try #require(baseline)
            #expect(end.fds <= start.fds, "descriptors grew from \(start.fds) to \(end.fds)")
            #expect(end.rssKB - start.rssKB < 4096, "memory grew from \(start.rssKB) kB to \(end.rssKB) kB over \(cycles) cycles")
        }
        await pcsc.stop()
    }

    private func usage(_ pid: pid_t) -> (fds: Int, rssKB: Int) {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rss =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
        return (fds, rss)
    }

    private func withWatcher(_ pcsc: IsolatedPCSC, _ body: (pid_t, LineCollector) async throws -> Void) async throws {
        let lines = LineCollector()
        var env: [Environment.Key: String?] = [:]
        for (k, v) in pcsc.environment { env[Environment.Key(stringLiteral: k)] = v }
        // Under AddressSanitizer its quarantine keeps freed memory (up to 256 MB), which would read
        // as growth here; a build without the sanitizer ignores the variable.
        if let asan = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] { env["ASAN_OPTIONS"] = asan + " quarantine_size_mb=0" }
        _ = try await Subprocess.run(
            .path(Rigs.executable("kioskctl")), arguments: ["card", "watch", "--json"], environment: .inherit.updating(env),
            input: .none, output: .sequence, error: .discarded
        ) { execution in
            let reader = Task {
                for try await line in execution.standardOutput.strings() { await lines.add(line) }
            }
            do {
                try await body(execution.processIdentifier.value, lines)
            } catch {
                try? execution.send(signal: .terminate)
                reader.cancel()
                throw error
            }
            try execution.send(signal: .terminate)
            _ = try? await reader.value
        }
    }
}

/// Lines from a child's output, collected as they arrive, with waits that fail loudly.
actor LineCollector {
    private(set) var all: [String] = []

    func add(_ line: String) { all.append(line) }

    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: @Sendable ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(all) {
            guard ContinuousClock.now < deadline else {
                Issue.record("waited \(timeout) for \(what); lines so far:\n\(all.suffix(20).joined(separator: "\n"))")
                throw TmuxError(message: "timeout waiting for \(what)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
