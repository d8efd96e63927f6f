import Foundation
import Testing

/// The Debian package on a clean Debian 12 under a real systemd, as a technician installs it:
/// `dpkg -i`, `kioskctl setup`, `systemctl start`, a citizen at tty1; then the unit's promises
/// (READY=1 from every front, the watchdog, a stop that waits for the citizen) and the package's
/// (upgrade over a running kiosk, remove, purge).
@Suite(.tags(.integration), .serialized, .timeLimit(.minutes(10))) struct InstalledKioskTests {
    /// The README's "Installing on a kiosk", step by step, and one certificate session through the
    /// installed kioskd: card in the configured slot, keys on its tty, the PDF at the A4 printer,
    /// the rating at the hub.
    @Test func setupStartAndACertificateSession() async throws {
        try await InstalledKiosk.run { kiosk in
            // Before setup there is no site file: the unit is enabled and waits for it.
            #expect(try await kiosk.unit("UnitFileState") == "enabled")
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "start", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "inactive", "no site file: the condition keeps it from starting")
            #expect(try await kiosk.exec("id", "-nG", "kioskd").stdout.contains("kioskd"))
            #expect(try await kiosk.exec("getent", "group", "kiosk-tech").exitCode == 0)
            #expect(try await kiosk.exec("getent", "group", "kiosk-ops").exitCode == 0)

            let setup = try await kiosk.setUp(extra: [])
            try kiosk.expectSuccess(setup)
            #expect(setup.stdout.contains("test page on kiosk-receipt (receipt): printed"), "\(setup.stdout)")
            #expect(setup.stdout.contains("test page on kiosk-a4 (A4): printed"), "\(setup.stdout)")
            let site = try await kiosk.exec("cat", "/etc/kioskd/kiosk.yaml").stdout
            #expect(site.contains("KIOSK-HALL-0042") && site.contains(kiosk.pcsc.reader0))

            // systemctl start returns once kioskd said READY=1, with the attract screen up.
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "start", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "active")
            #expect(try await kiosk.unit("StatusText") == "kiosk screen up")
            #expect(try await kiosk.exec("ps", "-o", "user=", "-C", "kioskd").stdout.contains("kioskd"), "runs as its own user")
            _ = try await kiosk.screen(contains: "请插入社保卡")

            let card = try VirtualCard(profile: "gen2", port: kiosk.pcsc.basePort)
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("张*") && !menu.contains("张三"))
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let code = try #require(CitizenFlowEndToEndTests.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡")

            let pdf = try #require(try await KioskEndToEnd.printedPDF(containing: code), "no PDF with code \(code) at the A4 printer")
            #expect(pdf.contains("1101**********002X") && !pdf.contains("张三"))
            var ratings: [[String: Any]] = []
            for _ in 0..<80 where ratings.isEmpty {
                ratings = (try await kiosk.hubJSON("sim/ratings") as? [String: [[String: Any]]])?["ratings"] ?? []
                if ratings.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(ratings.count == 1 && ratings.first?["score"] as? Int == 5, "\(ratings)")
            // The store is the package's: /var/lib/kioskd, its journal whole.
            try kiosk.expectSuccess(try await kiosk.exec("kioskctl", "journal", "verify", "--db", "/var/lib/kioskd/kiosk.sqlite"))
            let journal = try await kiosk.journal()
            #expect(!journal.contains("Fatal error") && !journal.contains("Stack dump"), "\(journal)")
        }
    }

    /// READY=1 from each front: the citizen's (above), the technicians' status screen, and the
    /// out-of-service notice a site file that does not load brings up (instead of a restart loop).
    /// Bad TLS files are said in one line with the command to run.
    @Test func everyFrontIsUpForSystemdAndBadInputIsOutOfService() async throws {
        try await InstalledKiosk.run { kiosk in
            try kiosk.expectSuccess(try await kiosk.setUp())
            try await kiosk.dropIn(
                "front", ["ExecStart=", "ExecStart=/usr/bin/kioskd --config /etc/kioskd/kiosk.yaml --status-screen"])
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "start", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "active")
            _ = try await kiosk.screen(contains: kiosk.pcsc.reader0)
            try kiosk.expectSuccess(
                try await kiosk.exec("sh", "-c", "rm -r /etc/systemd/system/kioskd.service.d && systemctl daemon-reload"))

            // A misspelt key: the kiosk stays up, out of service, and says which line.
            try kiosk.expectSuccess(try await kiosk.exec("sh", "-c", "printf 'printerz:\\n  receipt: x\\n' >> /etc/kioskd/kiosk.yaml"))
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "restart", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "active")
            #expect(try await kiosk.unit("StatusText").hasPrefix("out of service"))
            _ = try await kiosk.screen(contains: "本机暂停服务")
            #expect(try await kiosk.journal().contains("configuration refused: /etc/kioskd/kiosk.yaml:"))

            // A client key others can read: refused by setup and by kioskd, with the chmod to run.
            let key = kiosk.dir + "/kiosk.key"
            let certificate = kiosk.dir + "/kiosk.crt"
            let made = try await Rigs.tool(
                "openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
                    "/CN=KIOSK-HALL-0042", "-keyout", key, "-out", certificate,
                ])
            #expect(made.exitCode == 0, "\(made.stderr)")
            try await kiosk.script(["cp-in", key, "/etc/kioskd/tls/kiosk.key"])
            try await kiosk.script(["cp-in", certificate, "/etc/kioskd/tls/kiosk.crt"])
            try kiosk.expectSuccess(try await kiosk.exec("chmod", "644", "/etc/kioskd/tls/kiosk.key", "/etc/kioskd/tls/kiosk.crt"))
            let refused = try await kiosk.setUp(extra: [
                "--no-test-page", "--client-cert", "/etc/kioskd/tls/kiosk.crt", "--client-key", "/etc/kioskd/tls/kiosk.key",
            ])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("hub.clientKey: /etc/kioskd/tls/kiosk.key is mode 0644"), "\(refused.stderr)")
            #expect(refused.stderr.contains("run `chmod 640 /etc/kioskd/tls/kiosk.key`"), "\(refused.stderr)")
            try kiosk.expectSuccess(
                try await kiosk.exec(
                    "sh", "-c",
                    "printf 'kiosk:\\n  id: KIOSK-HALL-0042\\nhub:\\n  url: \(kiosk.insideHubURL)\\n  clientCertificate: /etc/kioskd/tls/kiosk.crt\\n"
                        + "  clientKey: /etc/kioskd/tls/kiosk.key\\ncard:\\n  reader: \(kiosk.pcsc.reader0)\\n' > /etc/kioskd/kiosk.yaml"))
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "restart", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "active")
            let journal = try await kiosk.journal()
            #expect(journal.contains("out of service: hub.clientKey: /etc/kioskd/tls/kiosk.key is mode 0644"), "\(journal)")
            #expect(!journal.contains("Fatal error"))
        }
    }

    /// A kioskd that hangs (SIGSTOP) stops feeding the watchdog: systemd kills it and starts a new
    /// one, which comes back to the attract screen. (WatchdogSec shortened for the test.)
    @Test func theWatchdogRestartsAHungKioskd() async throws {
        try await InstalledKiosk.run { kiosk in
            try kiosk.expectSuccess(try await kiosk.setUp())
            try await kiosk.dropIn("watchdog", ["WatchdogSec=4"])
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "start", "kioskd"))
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let hung = try await kiosk.unit("MainPID")
            try kiosk.expectSuccess(try await kiosk.exec("kill", "-STOP", hung))
            _ = try await kiosk.waitForUnit("NRestarts") { $0 == "1" }
            let restarted = try await kiosk.waitForUnit("ActiveState") { $0 == "active" }
            #expect(restarted == "active")
            #expect(try await kiosk.unit("MainPID") != hung)
            #expect(try await kiosk.journal().contains("Watchdog timeout"))
            _ = try await kiosk.screen(contains: "请插入社保卡")
        }
    }

    /// `systemctl stop` while the citizen waits for the hub: kioskd lets that step finish, ends
    /// the session in its journal, and only then exits.
    @Test func stopWaitsForTheCitizensStep() async throws {
        try await InstalledKiosk.run { kiosk in
            try kiosk.expectSuccess(try await kiosk.setUp())
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "start", "kioskd"))
            let card = try VirtualCard(profile: "gen2", port: kiosk.pcsc.basePort)
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.setHub(#"{"latencyMs": 5000}"#)
            try await kiosk.press("1")
            try await Task.sleep(for: .milliseconds(500))
            try kiosk.expectSuccess(try await kiosk.exec("systemctl", "stop", "--no-block", "kioskd"))
            try await Task.sleep(for: .seconds(1))
            #expect(try await kiosk.unit("ActiveState") == "deactivating", "kioskd waits for the hub's answer")
            _ = try await kiosk.waitForUnit("ActiveState") { $0 == "inactive" }
            #expect(try await kiosk.unit("Result") == "success", "it stopped on its own, not by SIGKILL")
            await card.remove()
            let tail = try await kiosk.exec("kioskctl", "journal", "tail", "-n", "20", "--json", "--db", "/var/lib/kioskd/kiosk.sqlite")
            #expect(tail.stdout.contains(#""kind":"session-end""#) && tail.stdout.contains("shutdown"), "\(tail.stdout)")
        }
    }

    /// The package's life: a store of schema v1 migrated by the first start; an upgrade over the
    /// running kiosk waits for the citizen at it, keeps the store, the trust keys and the site
    /// file and restarts kioskd; `dpkg -r` keeps the data; `dpkg -P` deletes it.
    @Test func upgradeKeepsEverythingRemoveKeepsDataPurgeDeletesIt() async throws {
        try await InstalledKiosk.run { kiosk in
            try kiosk.expectSuccess(try await kiosk.setUp())
            let fixture = Rigs.repo.appendingPathComponent("Tests/KioskStoreTests/Fixtures/v1.sqlite").path
            try await kiosk.script(["cp-in", fixture, "/var/lib/kioskd/kiosk.sqlite"])
            try kiosk.expectSuccess(
                try await kiosk.exec(
                    "sh", "-c",
                    "chown kioskd:kioskd /var/lib/kioskd/kiosk.sqlite && echo 'ed25519 test key' > /etc/kioskd/trust/ops.pub "
                        + "&& systemctl start kioskd"))
            _ = try await kiosk.screen(contains: "请插入社保卡")
            try kiosk.expectSuccess(try await kiosk.exec("kioskctl", "journal", "verify", "--db", "/var/lib/kioskd/kiosk.sqlite"))
            let before = try await kiosk.unit("MainPID")
            let site = try await kiosk.exec("cat", "/etc/kioskd/kiosk.yaml").stdout

            // 0.1.0 → a newer version of the same files.
            let newer = kiosk.dir + "/kioskd-newer.deb"
            let deb = try await InstalledKiosk.package()
            let repack = try await Rigs.tool(
                "sh",
                [
                    "-c",
                    "set -e; d=$(mktemp -d); dpkg-deb -R '\(deb)' $d/p; sed -i 's/^Version: .*/Version: 99.0.0/' $d/p/DEBIAN/control; "
                        + "dpkg-deb --root-owner-group -Zgzip -b $d/p '\(newer)' >/dev/null; rm -rf $d",
                ])
            #expect(repack.exitCode == 0, "\(repack.stderr)")
            try await kiosk.script(["cp-in", newer, "/tmp/kioskd-newer.deb"])
            // A citizen is at the kiosk when the upgrade comes: they finish undisturbed, the upgrade
            // waits for them (new citizens would see the out-of-service screen), then kioskd restarts.
            let card = try VirtualCard(profile: "gen2", port: kiosk.pcsc.basePort)
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            async let upgrade = kiosk.exec("dpkg", "-i", "/tmp/kioskd-newer.deb")
            try await Task.sleep(for: .seconds(4))
            #expect(try await kiosk.unit("MainPID") == before, "kioskd still serves the citizen")
            #expect(try await kiosk.tmux(["capture-pane", "-p", "-t", "kiosk"]).contains("请选择要办理的业务"), "the citizen's menu stays")
            #expect(try await kiosk.exec("dpkg-query", "-W", "-f", "${Version}", "kioskd").stdout == "0.1.0", "nothing replaced yet")
            try await kiosk.press("Escape")
            _ = try await kiosk.screen(contains: "请取出您的社保卡")
            await card.remove()
            let upgraded = try await upgrade
            try kiosk.expectSuccess(upgraded)
            #expect(upgraded.stderr.contains("waiting for the citizen at the kiosk to finish"), "\(upgraded.stderr)")
            #expect(try await kiosk.exec("dpkg-query", "-W", "-f", "${Version}", "kioskd").stdout == "99.0.0")
            let after = try await kiosk.waitForUnit("ActiveState") { $0 == "active" }
            #expect(after == "active")
            #expect(try await kiosk.unit("MainPID") != before, "the upgrade restarted kioskd")
            let status = try await kiosk.exec("kioskctl", "maintenance", "status", "--json").stdout
            #expect(status.contains(#""maintenance":{"on":false"#), "the upgrade's maintenance ended: \(status)")
            _ = try await kiosk.screen(contains: "请插入社保卡")
            #expect(try await kiosk.exec("cat", "/etc/kioskd/kiosk.yaml").stdout == site, "the site file is kept")
            #expect(try await kiosk.exec("test", "-f", "/etc/kioskd/trust/ops.pub").exitCode == 0)
            try kiosk.expectSuccess(try await kiosk.exec("kioskctl", "journal", "verify", "--db", "/var/lib/kioskd/kiosk.sqlite"))

            try kiosk.expectSuccess(try await kiosk.exec("dpkg", "-r", "kioskd"))
            #expect(try await kiosk.unit("ActiveState") == "inactive")
            #expect(try await kiosk.exec("test", "-f", "/var/lib/kioskd/kiosk.sqlite").exitCode == 0, "remove keeps the store")
            #expect(try await kiosk.exec("test", "-f", "/etc/kioskd/kiosk.yaml").exitCode == 0, "remove keeps the site file")
            try kiosk.expectSuccess(try await kiosk.exec("dpkg", "-P", "kioskd"))
            #expect(try await kiosk.exec("test", "-e", "/var/lib/kioskd").exitCode != 0, "purge deletes the store")
            #expect(try await kiosk.exec("test", "-e", "/etc/kioskd").exitCode != 0, "purge deletes the site file and keys")
        }
    }
}
