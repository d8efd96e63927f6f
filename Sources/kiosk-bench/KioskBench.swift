import ArgumentParser
import Foundation

/// kiosk-bench: the benchmarks behind scripts/bench. Each compares our code with a baseline
/// measured in the same run, prints a table, and ends with one `goal …` line per goal.
@main
struct KioskBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-bench",
        abstract: "Benchmarks against same-run baselines (see scripts/bench).",
        subcommands: [
            CardBench.self, HubBench.self, PrintBench.self, JournalBench.self, JournalAppendChild.self, JournalPruneChild.self,
            FlowBench.self, ConfigBench.self,
            FleetBench.self, FaceBench.self, SoakBench.self,
        ])
}

/// Order statistics over a sample, in milliseconds.
struct Sample {
    var values: [Double]

    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }

    var median: Double { percentile(50) }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

func fmt(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

/// The exact line format every benchmark ends with.
func goalLine(_ name: String, measured: String, target: String, met: Bool) -> String {
    "goal \(name): \(measured) (goal \(target)) \(met ? "met" : "missed")"
}
