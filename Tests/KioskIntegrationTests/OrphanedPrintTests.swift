import Foundation
import KioskPrint
import KioskTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A certificate held for paper when kioskd is killed (SIGKILL: a crash, a power cut of the
/// daemon alone): the kioskd that systemd starts again cancels it before anyone refills the
/// printer, journals what happened, and nothing comes out for the next citizen. On the rigs'
/// fault printer, so part of the serialized printer-fault suite.
extension PrintFaultIntegrationTests {
    @Test func aCertificateHeldWhenKioskdIsKilledIsCancelledAtRestartAndNeverPrints() async throws {
        try await Self.fault("clear")
        do {
            try await orphanFlow()
        } catch {
            try? await Self.fault("clear")
            throw error
        }
        try await Self.fault("clear")
        // The next fault test starts with the printer idle (the cancelled job has left it).
        let printer = CUPSKioskPrinter(queue: Self.queue, log: InMemoryPrintRequestLog())
        _ = try await Self.waitFor(printer, seconds: 20) { $0.condition == .ready && $0.state == "idle" }
    }

    private func orphanFlow() async throws {
        let before = KioskEndToEnd.keptJobs("fault")
        try await KioskEndToEnd.run(certificatePrinter: "kiosk-fault", restartedWhenKilled: true) { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("1")
            _ = try await kiosk.screen(contains: "验证码：")
            // A slow printer takes the job, then runs out of paper in the middle of it: held.
            try await Self.fault("slow", "60")
            try await kiosk.press("Enter")
            try await Self.untilQueued(true)
            try await Self.fault("paper-out")
            _ = try await kiosk.tmux.waitFor(timeout: .seconds(30)) { $0.contains("等待工作人员处理") }

            let pid = try #require(try kiosk.kioskdPID())
            #expect(kill(pid, SIGKILL) == 0)
            await card.remove()
            // systemd's part: the same kioskd on the same store again.
            var restarted: Int32?
            for _ in 0..<100 {
                restarted = try kiosk.kioskdPID()
                if let restarted, restarted != pid { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(restarted != nil && restarted != pid, "kioskd was not started again")
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))
            try await Self.untilQueued(false)

            // Only now is the paper refilled: the held certificate must not come out.
            try await Self.fault("clear")
            try await Task.sleep(for: .seconds(3))
            let after = KioskEndToEnd.keptJobs("fault")
            #expect(after.subtracting(before).isEmpty, "printed after the restart: \(after.subtracting(before))")

            let prints = try await kiosk.journalRecords().filter { $0["kind"] as? String == "print" }.compactMap {
                $0["payload"] as? [String: Any]
            }
            let reconciled = prints.filter { $0["reconciled"] as? Bool == true }
            #expect(reconciled.count == 1, "\(prints)")
            #expect(reconciled.first?["finding"] as? String == "cancelled-at-start" && reconciled.first?["state"] as? String == "cancelled")
            #expect(reconciled.first?["kind"] as? String == "certificate")
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// Waits until the fault queue has (or has no longer) a job.
    static func untilQueued(_ queued: Bool) async throws {
        for _ in 0..<150 {
            let jobs = try await Rigs.tool("lpstat", ["-o", "kiosk-fault"]).stdout
            if jobs.isEmpty != queued { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record(queued ? "the job never reached kiosk-fault" : "the job is still in kiosk-fault")
    }
}
