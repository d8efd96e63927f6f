import Foundation
import Testing

/// The control socket against a real kioskd: callers are told apart by the kernel's peer
/// credentials, each duty does only its own job, and every privileged action is journalled
/// with the caller's uid.
@Suite(.tags(.integration)) struct ControlSocketEndToEndTests {
    @Test func eachDutyDoesOnlyItsOwnJob() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let socket = ["--socket", kiosk.socket]

            let stranger = try await KioskUsers.kioskctl(as: KioskUsers.citizen, ["maintenance", "on", "--reason", "x"] + socket)
            #expect(stranger.exitCode == 1)
            #expect(stranger.stderr.contains("is in no kiosk group"), "\(stranger.stderr)")

            let operator_ = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["maintenance", "on", "--reason", "x"] + socket)
            #expect(operator_.exitCode == 1)
            #expect(operator_.stderr.contains("kiosk-ops only") && operator_.stderr.contains("kiosk-tech"), "\(operator_.stderr)")

            let technicianApplies = try await KioskUsers.kioskctl(as: KioskUsers.technician, ["config", "rollback"] + socket)
            #expect(technicianApplies.exitCode == 1)
            #expect(technicianApplies.stderr.contains("kiosk-tech only"), "\(technicianApplies.stderr)")

            let on = try await KioskUsers.kioskctl(as: KioskUsers.technician, ["maintenance", "on", "--reason", "更换打印纸"] + socket)
            #expect(on.exitCode == 0, "\(on.stderr)")
            _ = try await kiosk.screen(contains: "本终端暂停服务")
            let status = try await KioskUsers.kioskctl(as: KioskUsers.operations, ["maintenance", "status", "--json"] + socket)
            #expect(status.stdout.contains("更换打印纸"), "\(status.stdout)")

            let off = try await KioskUsers.kioskctl(as: KioskUsers.technician, ["maintenance", "off"] + socket)
            #expect(off.exitCode == 0, "\(off.stderr)")
            _ = try await kiosk.screen(contains: "请插入社保卡")

            // Journalled with the technician's uid, both ways; refusals change nothing.
            let uid = try await Rigs.tool("id", ["-u", KioskUsers.technician]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let journal = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "50", "--json", "--db", kiosk.storePath]).stdout
            let maintenance = journal.split(separator: "\n").filter { $0.contains("\"maintenance\"") }
            #expect(maintenance.count == 2, "\(journal)")
            #expect(maintenance.allSatisfy { $0.contains("\"uid\":\(uid)") }, "\(maintenance)")
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// A technician has the kiosk open; kioskd restarts (watchdog, power): it comes back out of
    /// service, not serving citizens, until the technician switches maintenance off.
    @Test func maintenanceOutlivesARestart() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let on = try await Rigs.run("kioskctl", ["maintenance", "on", "--reason", "更换读卡器", "--socket", kiosk.socket])
            #expect(on.exitCode == 0, "\(on.stderr)")
            _ = try await kiosk.screen(contains: "本终端暂停服务")
            await kiosk.tmux.kill()
            try await Task.sleep(for: .seconds(1))

            let again = try await TmuxSession.start(
                command: [Rigs.executable("kioskd").string, "--config", kiosk.configPath], columns: 80, rows: 24,
                environment: kiosk.pcsc.environment, stderrTo: kiosk.dir.appendingPathComponent("kioskd-2.log").path)
            do {
                _ = try await again.waitFor(timeout: .seconds(20)) { $0.contains("本终端暂停服务") }
                let status = try await Rigs.run("kioskctl", ["maintenance", "status", "--json", "--socket", kiosk.socket])
                #expect(status.stdout.contains("更换读卡器"), "\(status.stdout)")
                let off = try await Rigs.run("kioskctl", ["maintenance", "off", "--socket", kiosk.socket])
                #expect(off.exitCode == 0, "\(off.stderr)")
                _ = try await again.waitFor(timeout: .seconds(20)) { $0.contains("请插入社保卡") }
            } catch {
                await again.kill()
                throw error
            }
            await again.kill()
        }
    }

    @Test func aCallerWithoutDaemonGetsOneLine() async throws {
        let out = try await Rigs.run("kioskctl", ["maintenance", "status", "--socket", "/tmp/kiosk-no-such.sock"])
        #expect(out.exitCode == 2)
        #expect(out.stderr.contains("not running"), "\(out.stderr)")
    }
}
