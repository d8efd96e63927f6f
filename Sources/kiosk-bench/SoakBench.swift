import ArgumentParser
import Foundation
import KioskTesting

/// `kiosk-bench soak`: a release kioskd in a real terminal, on the rigs' pcscd, cupsd and
/// printers and a reference hub of its own, driven through citizen sessions while faults drawn
/// at random (seeded, so a run can be repeated) hit it: the card pulled at any step, paper out
/// or a jam mid-job, the hub failing, slow, dropping answers or frozen, pcscd and cupsd
/// restarted, kioskd itself SIGKILLed and started again as systemd would. Afterwards it checks
/// what a day of that must not do (SoakBench+Checks.swift) and ends with the goal lines; it
/// exits non-zero when a record was lost or duplicated, a session got stuck, or the journal
/// does not verify.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Citizen sessions under random faults; then nothing lost, nothing twice, no growth.")

    @Option(help: "Citizen sessions to run.") var sessions = 200
    @Option(help: "Seed of the fault draw (the same seed, the same sessions and faults).") var seed: UInt64 = 1
    @Option(help: "Share of sessions that meet a fault (0…1).") var faultRate = 0.5
    @Option(help: "Folder with the release kiosk-hub-sim and virtual-ssc (and kioskd, kiosk-render, kiosk-camera unless --kiosk-bin).")
    var bin: String
    @Option(help: "Folder with the kioskd to soak, its kiosk-render and kiosk-camera beside it (default: --bin): the package's build.")
    var kioskBin: String?
    @Option(help: "Port of the soak's own reference hub.") var hubPort = 8491
    @Option(help: "Folder for the kiosk's store, configuration and log.") var dir: String?
    @Option(help: "Only sessions whose summary contains this (\"pcscd\", \"paper-out\"…): to repeat one kind of fault.")
    var only: String?
    @Option(help: "Leave out sessions whose summary contains this (\"SIGKILL\": one kioskd serves them all, for its memory).")
    var without: String?

    func run() async throws {
        let rig = try await SoakRig.start(bin: bin, kioskBin: kioskBin ?? bin, hubPort: hubPort, dir: dir, seed: seed)
        defer { rig.stop() }
        var random = SplitMix64(seed: seed)
        var tally = SoakTally()
        let started = ContinuousClock.now
        try await rig.waitForAttract(timeout: .seconds(60))
        for number in 1...sessions {
            var plan = SessionPlan.draw(&random, faultRate: faultRate)
            while !wanted(plan) { plan = SessionPlan.draw(&random, faultRate: faultRate) }
            let sessionStart = ContinuousClock.now
            do {
                try await rig.play(plan, random: &random)
            } catch {
                // A session that went another way than planned is what faults do; the kiosk
                // must still come back to its attract screen.
                tally.diverted += 1
            }
            if try await !rig.recover() {
                tally.stuck.append("session \(number) (\(plan.summary)): \(try await rig.terminal.screen())")
                if tally.stuck.count >= 3 { break }
            }
            tally.sessions = number
            tally.planned[plan.summary, default: Sample(values: [])].values.append((ContinuousClock.now - sessionStart).milliseconds / 1000)
            if let sample = rig.sampleKioskd() { tally.record(sample) }
            if number % 50 == 0 {
                FileHandle.standardError.write(Data("soak: \(number)/\(sessions) sessions\n".utf8))
            }
        }
        let elapsed = (ContinuousClock.now - started).milliseconds / 1000
        let checks = try await rig.check()
        report(tally: tally, checks: checks, seconds: elapsed)
        if !tally.stuck.isEmpty || checks.lost > 0 || checks.duplicated > 0 || !checks.verified { throw ExitCode(1) }
        // A driver that no longer reaches the kiosk's screens would "pass" with nothing done;
        // a descriptor kept per session, or memory growing once warm, is a leak.
        let fdGrowth = tally.longest?.fdGrowth() ?? 0
        let rss = tally.longest?.rssGrowthAfterWarmUp()
        if checks.printsCompleted == 0 || checks.ratings == 0 || fdGrowth > 0 || (rss?.warm == true && rss!.megabytes > 2) {
            throw ExitCode(1)
        }
    }

    private func wanted(_ plan: SessionPlan) -> Bool {
        (only.map { plan.summary.contains($0) } ?? true) && !(without.map { plan.summary.contains($0) } ?? false)
    }

    private func report(tally: SoakTally, checks: SoakChecks, seconds: Double) {
        print("soak: \(tally.sessions) sessions, seed \(seed), \(Int(faultRate * 100)) % with a fault, \(fmt(seconds, 0)) s")
        print("| session | count | median s (to the attract screen again) |")
        print("|---|---|---|")
        for (summary, times) in tally.planned.sorted(by: { $0.key < $1.key }) {
            print("| \(summary) | \(times.values.count) | \(fmt(times.median, 1)) |")
        }
        print("| went another way than planned (a fault's doing) | \(tally.diverted) | – |")
        print("| did not come back to the attract screen | \(tally.stuck.count) | – |")
        for stuck in tally.stuck { print("stuck: \(stuck)") }
        print("")
        checks.printTable()
        print("")
        print("| kioskd (the instance that served most sessions: \(tally.longest?.sessions ?? 0)) | first | last | growth |")
        print("|---|---|---|---|")
        if let longest = tally.longest {
            let (first, last) = (longest.first, longest.last)
            print("| RSS (MB) | \(fmt(first.rssMB, 1)) | \(fmt(last.rssMB, 1)) | \(fmt(last.rssMB - first.rssMB, 1)) |")
            print("| open file descriptors (hub connections apart) | \(first.fds) | \(last.fds) | \(last.fds - first.fds) |")
            print("| threads | \(first.threads) | \(last.threads) | \(last.threads - first.threads) |")
            let step = max(1, longest.rss.count / 10)
            let series = stride(from: 0, to: longest.rss.count, by: step).map { "\($0 + 1): \(fmt(longest.rss[$0], 1))" }
            print("its RSS (MB) after session: " + series.joined(separator: ", "))
            if let slope = longest.rssSlope() {
                print(
                    "its RSS slope after warm-up (\(SoakTally.Instance.warmUp) sessions): \(fmt(slope * 1000, 2)) MB per 1000 sessions, "
                        + "\(fmt(slope * 10000, 1)) MB over 10000 at that rate")
            }
        }
        print("kioskd instances (started again after each SIGKILL): \(tally.instances.count)")
        let (rssGrowth, grownOver, _) = tally.longest?.rssGrowthAfterWarmUp() ?? (.nan, "no sessions", false)
        let fdGrowth = tally.longest?.fdGrowth()
        print(goalLine("soak-lost", measured: "\(checks.lost)", target: "0", met: checks.lost == 0))
        print(goalLine("soak-duplicated", measured: "\(checks.duplicated)", target: "0", met: checks.duplicated == 0))
        print(
            goalLine(
                "soak-rss-growth", measured: "\(fmt(rssGrowth, 1)) MB over \(grownOver)",
                target: "<= 2 MB over 10000 sessions", met: rssGrowth <= 2))
        print(
            goalLine(
                "soak-fd-growth", measured: fdGrowth.map { "\($0)" } ?? "no sessions", target: "<= 0", met: (fdGrowth ?? 1) <= 0))
        print(goalLine("soak-stuck", measured: "\(tally.stuck.count)", target: "0", met: tally.stuck.isEmpty))
    }
}

/// What the sessions came to, and kioskd's resources per instance (a SIGKILL starts another).
struct SoakTally {
    struct Instance {
        var first: KioskdSample
        var last: KioskdSample
        var sessions: Int
        var rss: [Double]
        var fds: [Int]
    }

    var sessions = 0
    var planned: [String: Sample] = [:]
    var diverted = 0
    var stuck: [String] = []
    var instances: [Int32: Instance] = [:]

    /// The first sample of an instance is taken after its first session, at the attract screen:
    /// what it loads on first use (the render child, the hub's connections) is not growth.
    mutating func record(_ sample: KioskdSample) {
        if var instance = instances[sample.pid] {
            instance.last = sample
            instance.sessions += 1
            instance.rss.append(sample.rssMB)
            instance.fds.append(sample.fds)
            instances[sample.pid] = instance
        } else {
            instances[sample.pid] = Instance(first: sample, last: sample, sessions: 0, rss: [sample.rssMB], fds: [sample.fds])
        }
    }

    var longest: Instance? { instances.values.max { $0.sessions < $1.sessions } }
}

extension SoakTally.Instance {
    /// Sessions after which an instance is warm: its pools, caches and the hub's connections
    /// filled (its RSS flattens after 10–15 sessions).
    static let warmUp = 20

    /// RSS growth from the end of the warm-up to the last session, and over which sessions (from
    /// the first when the instance served too few to have warmed up).
    func rssGrowthAfterWarmUp() -> (megabytes: Double, over: String, warm: Bool) {
        guard rss.count > Self.warmUp + 10 else { return (last.rssMB - first.rssMB, "sessions 1–\(rss.count)", false) }
        return (rss[rss.count - 1] - rss[Self.warmUp - 1], "sessions \(Self.warmUp)–\(rss.count)", true)
    }

    /// Descriptors kept: the fewest open over the last 10 sessions against the fewest over the
    /// 10 before the warm-up ends (halves of the run when it is shorter). A descriptor kept per
    /// session raises every later sample; one in flight when a sample is taken (a pipe to the
    /// render child, a connection to cupsd) raises only that sample, so the fewest is the measure.
    func fdGrowth() -> Int {
        let base: ArraySlice<Int>
        let end: ArraySlice<Int>
        if fds.count > Self.warmUp + 10 {
            base = fds[(Self.warmUp - 10)..<Self.warmUp]
            end = fds.suffix(10)
        } else {
            base = fds.prefix(max(1, fds.count / 2))
            end = fds.suffix(max(1, fds.count / 2))
        }
        return (end.min() ?? 0) - (base.min() ?? 0)
    }

    /// RSS growth per session after the warm-up, by least squares; nil with too few samples to
    /// tell a trend from the allocator's noise.
    func rssSlope() -> Double? {
        let points = Array(rss.enumerated().dropFirst(Self.warmUp))
        guard points.count >= 50 else { return nil }
        let n = Double(points.count)
        let meanX = points.map { Double($0.offset) }.reduce(0, +) / n
        let meanY = points.map(\.element).reduce(0, +) / n
        let covariance = points.map { (Double($0.offset) - meanX) * ($0.element - meanY) }.reduce(0, +)
        let variance = points.map { (Double($0.offset) - meanX) * (Double($0.offset) - meanX) }.reduce(0, +)
        return covariance / variance
    }
}
