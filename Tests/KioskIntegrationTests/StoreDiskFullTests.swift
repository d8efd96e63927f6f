import Foundation
import Testing

/// The store's disk fills up under the journal: a 4 MB tmpfs in a mount namespace of the test's
/// own, filled but for 256 KB, with `kiosk-bench journal-append-child` appending until the disk
/// refuses. The append that meets the full disk fails with a plain error; every append that was
/// acknowledged is in the file, which still verifies; once there is room again, the chain goes on.
@Suite(.tags(.integration)) struct StoreDiskFullTests {
    @Test(.timeLimit(.minutes(2))) func aDiskThatFillsUnderTheJournalLosesNothingAndTheChainGoesOn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-full-\(UUID().uuidString.prefix(8))")
        let small = folder.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = "\(small)/kiosk.sqlite"
        let acked = folder.appendingPathComponent("acked.txt").path
        let journal = folder.appendingPathComponent("journal.jsonl").path
        let bench = Rigs.executable("kiosk-bench").string
        let kioskctl = Rigs.executable("kioskctl").string
        let script = """
            mount -t tmpfs -o size=4m tmpfs '\(small)' || exit 90
            '\(bench)' journal-append-child --db '\(db)' --count 20 >> '\(acked)' || exit 91
            dd if=/dev/zero of='\(small)/spare' bs=64k count=4 2>/dev/null
            dd if=/dev/zero of='\(small)/fill' bs=64k 2>/dev/null
            rm -f '\(small)/spare'
            '\(bench)' journal-append-child --db '\(db)' >> '\(acked)' 2> '\(folder.path)/full.err'; echo "full-exit=$?"
            tail -c 600 '\(folder.path)/full.err'
            '\(kioskctl)' journal verify --db '\(db)' >/dev/null; echo "verify-full=$?"
            rm -f '\(small)/fill'
            '\(bench)' journal-append-child --db '\(db)' --count 5 >> '\(acked)'; echo "again-exit=$?"
            '\(kioskctl)' journal verify --db '\(db)' >/dev/null; echo "verify-again=$?"
            '\(kioskctl)' journal tail -n 1000000 --json --db '\(db)' > '\(journal)'
            """
        let out = try await Rigs.tool("unshare", ["-m", "sh", "-c", script])
        let text = out.stdout + out.stderr
        #expect(text.contains("full-exit=1"), "the append that met the full disk failed: \(text)")
        #expect(text.contains("is full"), "and said so plainly: \(text)")
        #expect(text.contains("verify-full=0") && text.contains("again-exit=0") && text.contains("verify-again=0"), "\(text)")

        let acknowledged = try String(contentsOfFile: acked, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        let stored = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").compactMap { line -> Int? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"] as? Int
        }
        #expect(acknowledged.count > 25, "the disk filled mid-loop, not at the first append: \(acknowledged.count) appends")
        #expect(stored == Array(1...(stored.last ?? 0)), "no gap, no duplicate")
        #expect(Set(acknowledged).isSubset(of: Set(stored)), "every acknowledged append is in the file")
        #expect(stored.count == acknowledged.count, "nothing written that was not acknowledged, nothing acknowledged twice")
    }
}

/// Retention meets a full disk: the prune is refused with a plain error and takes nothing with
/// it (the journal and its anchor as they were, the chain verifies); with room again, the same
/// prune goes through and the rest still verifies from its anchor.
@Suite(.tags(.integration)) struct PruneDiskFullTests {
    @Test(.timeLimit(.minutes(2))) func aPruneThatMeetsAFullDiskLosesNothingAndGoesThroughLater() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-prune-full-\(UUID().uuidString.prefix(8))")
        let small = folder.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = "\(small)/kiosk.sqlite"
        let bench = Rigs.executable("kiosk-bench").string
        let kioskctl = Rigs.executable("kioskctl").string
        let script = """
            mount -t tmpfs -o size=16m tmpfs '\(small)' || exit 90
            '\(bench)' journal-append-child --db '\(db)' --count 2000 --aged-days 200 > /dev/null || exit 91
            '\(bench)' journal-append-child --db '\(db)' --count 20 > /dev/null || exit 92
            '\(bench)' journal-prune-child --db '\(db)' --acknowledge-through 2010 || exit 93
            echo "before=$('\(kioskctl)' journal tail -n 1000000 --json --db '\(db)' | wc -l)"
            '\(bench)' journal-prune-child --db '\(db)' --older-than-days 180 --after '\(folder.path)/go' \
              > '\(folder.path)/prune.out' 2> '\(folder.path)/full.err' &
            pruner=$!
            for _ in $(seq 400); do grep -q opened '\(folder.path)/prune.out' && break; sleep 0.05; done
            dd if=/dev/zero of='\(small)/fill' bs=4k 2>/dev/null
            touch '\(folder.path)/go'
            wait $pruner; echo "prune-full=$?"
            tail -c 600 '\(folder.path)/full.err'
            rm -f '\(small)/fill'
            '\(kioskctl)' journal verify --db '\(db)' >/dev/null; echo "verify-full=$?"
            echo "after-full=$('\(kioskctl)' journal tail -n 1000000 --json --db '\(db)' | wc -l)"
            '\(bench)' journal-prune-child --db '\(db)' --older-than-days 180; echo "prune-again=$?"
            '\(kioskctl)' journal verify --db '\(db)'; echo "verify-again=$?"
            echo "after=$('\(kioskctl)' journal tail -n 1000000 --json --db '\(db)' | wc -l)"
            """
        let out = try await Rigs.tool("unshare", ["-m", "sh", "-c", script])
        let text = out.stdout + out.stderr
        #expect(text.contains("before=2020"), "\(text)")
        #expect(
            text.contains("prune-full=1") && text.contains("pruning the journal") && text.contains("is full"),
            "the prune on a full disk failed, plainly: \(text)")
        #expect(text.contains("verify-full=0") && text.contains("after-full=2020"), "and took nothing with it: \(text)")
        #expect(text.contains("pruned=2000") && text.contains("prune-again=0"), "with room, the same prune goes through: \(text)")
        #expect(text.contains("verify-again=0") && text.contains("after=20"), "the rest verifies from its anchor: \(text)")
    }
}
