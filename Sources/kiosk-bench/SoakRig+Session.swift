import Foundation
import KioskTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A session that a fault took another way than planned; the soak goes on with `recover`.
struct SessionDiverted: Error {
    var at: String
}

/// kioskd's resources at the attract screen.
struct KioskdSample {
    var pid: Int32
    var rssMB: Double
    /// Open descriptors, less the TCP connections to the hub (a pool that may hold one or two
    /// at any moment, opened and closed with the hub's faults).
    var fds: Int
    var threads: Int
}

extension SoakRig {
    /// Plays one session as a citizen would, the plan's fault striking at its step.
    func play(_ plan: SessionPlan, random: inout SplitMix64) async throws {
        switch plan.fault {
        case .hub("frozen"): freezeHub(true)
        case .hub("slow"): try await setHub(#"{"latencyMs":2500}"#)
        case .hub(let fault): try await setHub(#"{"fault":"\#(fault)","count":\#(Int.random(in: 1...4, using: &random))}"#)
        default: break
        }
        try await insertCard()
        try await strike(plan, at: .reading, delay: .milliseconds(Int.random(in: 0...250, using: &random)))
        try await terminal.waitFor("请选择要办理的业务", timeout: .seconds(15))
        try await strike(plan, at: .menu)
        guard plan.errand == .certificate else {
            try await terminal.press("BSpace")
            try await terminal.waitFor("请取出您的社保卡")
            try await removeCard()
            try await waitForAttract()
            return
        }
        try await terminal.press("1")
        try await terminal.waitFor("验证码：", timeout: .seconds(15))
        try await strike(plan, at: .preview)
        if case .paper = plan.fault { try await printerFault("slow", "0.5") }
        try await terminal.press("Enter")
        if case .paper(let what) = plan.fault {
            // The job is at the printer, then the paper runs out (or jams) under it: held until
            // the staff refill it.
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...400, using: &random)))
            try await printerFault(what)
            try? await terminal.waitFor("等待工作人员处理", timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...2000, using: &random)))
            try await printerFault("clear")
        }
        try await strike(plan, at: .printing, delay: .milliseconds(Int.random(in: 0...600, using: &random)))
        // A print that failed says so and waits for Enter: the rating never comes.
        if try await waitForEither("服务评价", or: "按确认键继续", timeout: .seconds(60)) != "服务评价" {
            throw SessionDiverted(at: "printing")
        }
        try await strike(plan, at: .rating)
        try await terminal.press("5")
        try await terminal.waitFor("请取出您的社保卡")
        try await removeCard()
        try await waitForAttract()
    }

    /// The plan's fault, if it strikes at `step`.
    private func strike(_ plan: SessionPlan, at step: SessionPlan.Step, delay: Duration = .zero) async throws {
        switch plan.fault {
        case .cardPulled(step):
            try await Task.sleep(for: delay)
            try await removeCard()
            throw SessionDiverted(at: step.rawValue)
        case .restart("pcscd", step):
            // pcscd going away ends the session (nobody can tell whether the card is still
            // there); the card, still in the reader, shows again once pcscd is back.
            try await Task.sleep(for: delay)
            try await restart("pcscd")
            if cardIn { try await insertCard() }
            throw SessionDiverted(at: step.rawValue)
        case .restart(let daemon, step):
            try await Task.sleep(for: delay)
            try await restart(daemon)
        case .killKioskd(step):
            try await Task.sleep(for: delay)
            killKioskd()
            throw SessionDiverted(at: step.rawValue)
        default: break
        }
    }

    /// Clears every fault (the hub answers again, the printer has paper), then takes the kiosk
    /// back to its attract screen the way a citizen or the staff would: a rating answered, the
    /// card taken, Back pressed. False when it never gets there.
    func recover() async throws -> Bool {
        freezeHub(false)
        try await setHub("{}")
        try await printerFault("clear")
        let deadline = ContinuousClock.now + .seconds(120)
        var lastKey = ContinuousClock.now
        var attractSince: ContinuousClock.Instant?
        while ContinuousClock.now < deadline {
            let screen = try await terminal.screen()
            let attract = Self.isAttract(screen)
            if attract {
                attractSince = attractSince ?? .now
            } else {
                attractSince = nil
            }
            let stillFor = attractSince.map { ContinuousClock.now - $0 } ?? .zero
            // Settled: still the attract screen a moment later (not one flashing by on a kioskd
            // starting again).
            if attract && !cardIn && stillFor > .milliseconds(300) { return true }
            let idle = ContinuousClock.now - lastKey > .seconds(3)
            if screen.contains("服务评价") {
                try await terminal.press("5")
                lastKey = .now
            } else if cardIn && (screen.contains("请取出您的社保卡") || (attract && stillFor > .seconds(1)) || idle) {
                // Asked for, or a card the kiosk no longer sees (its session ended under a fault).
                try await removeCard()
                lastKey = .now
            } else if cardIn && screen.contains("请选择要办理的业务") {
                try await terminal.press("BSpace")
                lastKey = .now
            } else if !attract && idle {
                // Enter only where it continues (a failure told): on a preview it would print.
                try await terminal.press(screen.contains("按确认键继续") ? "Enter" : "BSpace")
                lastKey = .now
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Waits until one of two texts shows; returns the one that did.
    private func waitForEither(_ first: String, or second: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let screen = try await terminal.screen()
            if screen.contains(first) { return first }
            if screen.contains(second) { return second }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw BenchTerminalError(description: "neither \"\(first)\" nor \"\(second)\" showed: \(try await terminal.screen())")
    }

    /// kioskd's RSS, descriptors and threads, from /proc.
    func sampleKioskd() -> KioskdSample? {
        guard let pid = kioskdPID() else { return nil }
        let status = BenchTerminal.procStatus(pid: "\(pid)")
        guard let rssKB = status["VmRSS"], let threads = status["Threads"] else { return nil }
        let hubSockets = socketInodes(pid: pid, remotePort: hubPort)
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let counted = fds.filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)") else { return true }
            return !hubSockets.contains(target)
        }
        return KioskdSample(pid: pid, rssMB: rssKB / 1024, fds: counted.count, threads: Int(threads))
    }

    /// "socket:[inode]" of the process's TCP connections to `remotePort` (/proc/PID/net/tcp*).
    private func socketInodes(pid: Int32, remotePort: Int) -> Set<String> {
        var inodes: Set<String> = []
        let port = String(format: "%04X", remotePort)
        for table in ["tcp", "tcp6"] {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/net/\(table)", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                guard columns.count > 9, columns[2].hasSuffix(":\(port)") else { continue }
                inodes.insert("socket:[\(columns[9])]")
            }
        }
        return inodes
    }
}
