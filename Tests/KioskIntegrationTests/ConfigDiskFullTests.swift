import Crypto
import Foundation
import KioskConfig
import Testing

/// The disk under the store and the applied bundles fills up under a running kiosk while bundles
/// arrive: a 64 MB tmpfs (above the store's 50 MB floor when empty) in a mount namespace of the
/// test's own, with a headless kioskd on it. The serving front makes way for one out of service
/// for the disk. A bundle that meets the full disk is refused with the disk's reason, to be
/// asked for again, and the version that ran stays current. With 1 MB free (still under the
/// floor) the bundle applies: the kiosk is out of service for its disk, not for the bundle, so
/// nothing is rolled back. Once there is room again the kiosk serves by itself, without a
/// restart, and the journal verifies.
@Suite(.tags(.integration)) struct ConfigDiskFullTests {
    @Test(.timeLimit(.minutes(2))) func aBundleThatMeetsAFullDiskIsRefusedAndTheRunningVersionStays() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-cfgfull-\(UUID().uuidString.prefix(8))")
        let small = folder.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("trust"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        // An operator's key the kiosk trusts, and two bundles of the repository's kiosk-config.
        let source = folder.appendingPathComponent("src")
        try FileManager.default.copyItem(at: Rigs.repo.appendingPathComponent("kiosk-config"), to: source)
        let keyBase = folder.appendingPathComponent("ops").path
        try BundleSigningKeys.generate(to: keyBase)
        let key = try BundleSigningKeys.loadPrivateKey(path: "\(keyBase).key")
        try FileManager.default.copyItem(atPath: "\(keyBase).pub", toPath: folder.appendingPathComponent("trust/ops.pub").path)
        func bundle(_ version: Int, hall: String) throws -> String {
            try "kiosk:\n  hall: \(hall)\n".write(to: source.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)
            let data = try ConfigBundleSigner.make(
                directory: source, privateKey: key, version: version, expires: Date().addingTimeInterval(3600),
                targets: ["KIOSK-FULL-0001"], now: Date())
            let path = folder.appendingPathComponent("v\(version).json").path
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
        let v1 = try bundle(1, hall: "第一测试大厅")
        let v2 = try bundle(2, hall: "第二测试大厅")

        let config = folder.appendingPathComponent("kiosk.yaml").path
        let socket = folder.appendingPathComponent("control.sock").path
        let db = "\(small)/kiosk.sqlite"
        try """
        kiosk:
          id: KIOSK-FULL-0001
        hub:
          url: http://127.0.0.1:9/
        store:
          path: \(db)
        files:
          directory: \(Rigs.repo.path)/kiosk-config
        control:
          socket: \(socket)
        metrics:
          listen: ""
        bundles:
          directory: \(small)/bundles
          trustDirectory: \(folder.path)/trust
          pollSeconds: 0
        """.write(toFile: config, atomically: true, encoding: .utf8)

        let kioskd = Rigs.executable("kioskd").string
        let kioskctl = Rigs.executable("kioskctl").string
        let status = "'\(kioskctl)' config status --json --socket '\(socket)'"
        let script = """
            mount -t tmpfs -o size=64m tmpfs '\(small)' || exit 90
            # No card reader: the kiosk under test serves no citizen, and leaves the rigs' card alone.
            PCSCLITE_CSOCK_NAME='\(folder.path)/no-pcscd.comm' '\(kioskd)' --config '\(config)' --headless --log-level notice > '\(folder.path)/kioskd.log' 2>&1 &
            pid=$!
            i=0; while [ ! -S '\(socket)' ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
            '\(kioskctl)' config apply '\(v1)' --socket '\(socket)' >/dev/null; echo "first-exit=$?"
            dd if=/dev/zero of='\(small)/spare' bs=64k count=16 2>/dev/null
            dd if=/dev/zero of='\(small)/fill' bs=64k 2>/dev/null
            i=0; while ! grep -q 'started anew: new sessions stop' '\(folder.path)/kioskd.log' && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
            grep -q 'started anew: new sessions stop' '\(folder.path)/kioskd.log' && echo "sessions-stopped"
            echo "full-apply:"; '\(kioskctl)' config apply '\(v2)' --socket '\(socket)'; echo "full-exit=$?"
            echo "full-status: $(\(status))"
            echo "full-current: $(readlink '\(small)/bundles/current')"
            kill -0 $pid && echo "alive-after-full"
            rm -f '\(small)/spare'
            '\(kioskctl)' config apply '\(v2)' --socket '\(socket)'; echo "low-exit=$?"
            echo "low-current: $(readlink '\(small)/bundles/current')"
            grep -q 'out of service: the disk is nearly full' '\(folder.path)/kioskd.log' && echo "out-of-service-for-disk"
            rm -f '\(small)/fill'
            i=0; while ! grep -q 'disk has room again' '\(folder.path)/kioskd.log' && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
            grep -q 'disk has room again' '\(folder.path)/kioskd.log' && echo "serves-again"
            sleep 1
            kill -TERM $pid; wait $pid
            '\(kioskctl)' journal verify --db '\(db)' >/dev/null; echo "verify=$?"
            echo "journal:"; '\(kioskctl)' journal tail -n 100 --json --db '\(db)'
            """
        let out = try await Rigs.tool("unshare", ["-m", "sh", "-c", script])
        let text = out.stdout + out.stderr
        let log = (try? String(contentsOfFile: folder.appendingPathComponent("kioskd.log").path, encoding: .utf8)) ?? ""
        #expect(text.contains("first-exit=0"), "the first bundle applied while there was room: \(text)\n\(log)")
        #expect(text.contains("sessions-stopped"), "the serving front made way for one out of service: \(log)")
        #expect(text.contains("full-exit=1"), "the bundle that met the full disk was refused: \(text)")
        #expect(text.contains("No space left") || text.contains("out of space"), "with the disk's own reason: \(text)")
        #expect(text.contains("full-current: v1") && text.contains("\"version\":1") && text.contains("alive-after-full"), "\(text)")
        #expect(text.contains("low-exit=0") && text.contains("low-current: v2"), "applied under the floor: \(text)\n\(log)")
        #expect(text.contains("out-of-service-for-disk"), "the kiosk stopped serving for its disk: \(log)")
        #expect(text.contains("serves-again"), "and served again once there was room: \(log)")
        let after = log.range(of: "disk has room again").map { String(log[$0.upperBound...]) } ?? ""
        #expect(!after.isEmpty && !after.contains("out of service:"), "a serving front, not another notice: \(after)")
        #expect(text.contains("verify=0"), "the journal verifies: \(text)")
        let changes = text.split(separator: "\n").filter { $0.contains("\"config-change\"") }
        #expect(changes.filter { $0.contains("\"applied\"") }.count == 2, "v1 and v2 applied, each journalled once: \(changes)")
        #expect(!changes.contains { $0.contains("\"rolled-back\"") }, "nothing rolled back for the disk: \(changes)")
    }
}
