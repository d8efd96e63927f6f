import Foundation
import KioskFuzzTargets
import Testing

/// Every fuzz target's seeds, and every input a fuzzer once crashed or hung on (scripts/fuzz
/// saves them beside the seeds), replayed in the ordinary build: a crash found stays fixed.
@Suite struct FuzzReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func inputs(_ target: String) -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func everySeedAndEveryCrashFoundIsReplayed(target: String) async throws {
        let inputs = Self.inputs(target)
        #expect(!inputs.isEmpty, "no seeds for \(target) in Corpus/\(target)")
        let run = try #require(FuzzTargets.all[target])
        for input in inputs {
            let bytes = Array(try Data(contentsOf: input))
            if let replay = FuzzTargets.replayedAsync[target] { await replay(bytes) } else { run(bytes) }
        }
    }

    @Test func everyCorpusFolderIsATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
        #expect(Set(folders) == Set(FuzzTargets.all.keys), "a folder without a target is never replayed")
    }
}
