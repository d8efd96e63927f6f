import Foundation
import Testing

/// The citizen at the kiosk, end to end: kioskd in a real terminal against pcscd + the virtual
/// card, cupsd + the virtual printers, the reference hub and a SQLite store.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct CitizenFlowEndToEndTests {
    /// The certificate flow: 1 (certificate) → Enter (print) → 5 (rating). The A4 printer keeps a
    /// PDF with the masked holder and the verification code; the journal has every step and
    /// verifies; the rating reaches the hub once; nothing unmasked ever shows on screen.
    @Test func certificateFlowPrintsJournalsAndRates() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let card = try kiosk.insert("gen2")
            let menu = try await kiosk.screen(contains: "请选择要办理的业务")
            #expect(menu.contains("张*"))
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let code = try #require(Self.verificationCode(on: preview))
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "服务评价", timeout: .seconds(40))
            try await kiosk.press("5")
            let done = try await kiosk.screen(contains: "请取出您的社保卡")
            for screen in [menu, preview, done] {
                #expect(!screen.contains("张三") && !screen.contains("11010519491231002X"), "unmasked data on screen")
            }
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡")

            let pdf = try #require(try await KioskEndToEnd.printedPDF(containing: code), "no PDF with code \(code) at the A4 printer")
            #expect(pdf.contains("张*") && pdf.contains("1101**********002X"))
            #expect(!pdf.contains("张三"))
            // The certificate was drawn by kiosk-render: no font or rendering library ever came into the daemon.
            #expect(try kiosk.renderingFilesInKioskd() == [])

            let kinds = try await kiosk.journalKinds()
            for kind in ["session-start", "card-read", "print", "service-outcome", "rating", "session-end"] {
                #expect(kinds.contains(kind), "journal lacks \(kind): \(kinds)")
            }
            #expect(try await kiosk.journalVerifies())
            // Completed prints carry their pages (metrics count pages printed from them).
            let journal = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "200", "--json", "--db", kiosk.storePath]).stdout
            let printed = journal.split(separator: "\n").filter { $0.contains(#""kind":"print""#) && $0.contains("completed") }
            #expect(!printed.isEmpty && printed.allSatisfy { $0.contains(#""pages":"#) }, "\(printed)")
            let ratingRecords = kinds.count(where: { $0 == "rating" })
            #expect(ratingRecords == 1, "one journal record per rating")
            // The outbox delivers the rating to the hub, exactly once.
            var ratings: [[String: Any]] = []
            for _ in 0..<60 {
                ratings = (try await kiosk.hubJSON("sim/ratings") as? [String: [[String: Any]]])?["ratings"] ?? []
                if !ratings.isEmpty { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(ratings.count == 1)
            #expect(ratings.first?["score"] as? Int == 5)
            #expect(ratings.first?["service"] as? String == "participation-certificate")
        }
    }

    /// The verification code the certificate preview shows (the printed PDF must carry it).
    static func verificationCode(on preview: String) -> String? {
        preview.split(separator: "\n").first { $0.contains("验证码：") }?
            .split(separator: "：").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The card is pulled while the citizen looks at the preview: the session ends, the screen
    /// says so plainly, and the journal closes the session.
    @Test func cardPulledMidFlowEndsTheSessionPlainly() async throws {
        try await KioskEndToEnd.run { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("1")
            _ = try await kiosk.screen(contains: "验证码：")
            await card.remove()
            let screen = try await kiosk.screen(contains: "您已取出社保卡")
            #expect(!screen.contains("张*"), "the holder is wiped from the screen")
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))
            let kinds = try await kiosk.journalKinds()
            #expect(kinds.contains("session-end"))
            #expect(!kinds.contains("print"))
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// The card is pulled the moment the citizen asks for the certificate, while it is still
    /// being drawn: the print goes on and the journal records it. (Cancelling the print there
    /// once left the machine waiting for its answer for good: no print record, config pushes
    /// refused as busy.)
    @Test func cardPulledAsThePrintStartsStillPrintsAndFreesTheKiosk() async throws {
        try await KioskEndToEnd.run { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            let code = try #require(Self.verificationCode(on: preview))
            try await kiosk.press("Enter")
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(40))
            var printed: String?
            for _ in 0..<40 where printed == nil {
                printed = try await KioskEndToEnd.printedPDF(containing: code)
                if printed == nil { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(printed != nil, "the certificate never reached the A4 printer")
            // The print record follows the job's end at CUPS by a poll and a store write: waited for.
            var journalled = false
            for _ in 0..<40 where !journalled {
                let journal = try await Rigs.run("kioskctl", ["journal", "tail", "-n", "200", "--json", "--db", kiosk.storePath]).stdout
                journalled = journal.split(separator: "\n").contains { $0.contains(#""kind":"print""#) && $0.contains("completed") }
                if !journalled { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(journalled, "no completed print in the journal")
            #expect(try await kiosk.journalVerifies())
        }
    }

    /// The hub goes down while the face verification runs: the citizen is told to go to the
    /// counter, and the journal records the capture, the wipe and the failed outcome.
    @Test func hubDownDuringFaceVerificationSendsTheCitizenToTheCounter() async throws {
        try await KioskEndToEnd.run { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.setHub(#"{"decisionDelayMs": 3000}"#)
            try await kiosk.press("4")
            _ = try await kiosk.screen(contains: "同意并开始认证")
            try await kiosk.press("Enter")
            _ = try await kiosk.screen(contains: "平台比对", timeout: .seconds(20))
            try await kiosk.setHub(#"{"fault": "5xx", "count": -1, "includeHealth": true}"#)
            // Not the consent screen's own mention of the counter: the verification's end.
            let screen = try await kiosk.tmux.waitFor(timeout: .seconds(40)) {
                $0.contains("人工窗口") && !$0.contains("同意并开始认证") && !$0.contains("平台比对")
            }
            #expect(!screen.contains("认证通过"))
            let kinds = try await kiosk.journalKinds()
            #expect(kinds.contains("face-capture"))
            #expect(kinds.contains("service-outcome"))
            #expect(try await kiosk.journalVerifies())
            await card.remove()
        }
    }
}

/// Paper out during the certificate, on the rigs' kiosk-fault printer; part of the serialized
/// fault suite so no other test touches that printer meanwhile.
extension PrintFaultIntegrationTests {
    @Test func paperOutDuringTheCertificateHoldsItAndTellsTheCitizen() async throws {
        try await Self.fault("clear")
        do {
            try await paperOutFlow()
        } catch {
            try? await Self.fault("clear")
            throw error
        }
        try await Self.fault("clear")
    }

    private func paperOutFlow() async throws {
        try await KioskEndToEnd.run(certificatePrinter: "kiosk-fault") { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("1")
            let preview = try await kiosk.screen(contains: "验证码：")
            #expect(!preview.contains("张三"))
            // A slow printer takes the job, then the roll runs out in the middle of it: the job is
            // held at the printer for certain (a fault set as the job leaves the kiosk races it).
            let before = KioskEndToEnd.keptJobs("fault")
            try await Self.fault("slow", "60")
            try await kiosk.press("Enter")
            try await Self.untilQueued(true)
            try await Self.fault("paper-out")
            let held = try await kiosk.screen(contains: "等待工作人员处理", timeout: .seconds(40))
            #expect(held.contains("缺纸"))
            // The citizen gives up waiting: the job is cancelled, the screen names the counter.
            try await kiosk.press("BSpace")
            // The notice that names the counter, or the rating that follows it once it is read
            // (every service is rated, a failed one too); the status line keeps saying 缺纸.
            let end = try await kiosk.tmux.waitFor(timeout: .seconds(30)) {
                ($0.contains("人工窗口") && !$0.contains("等待工作人员处理")) || $0.contains("服务评价")
            }
            #expect(end.contains("缺纸") || end.contains("人工窗口"))
            // The cancelled job leaves CUPS before the technician refills the paper, and nothing
            // comes out once the roll is back.
            try await Self.untilQueued(false)
            try await Self.fault("clear")
            try await Task.sleep(for: .seconds(3))
            let after = KioskEndToEnd.keptJobs("fault")
            #expect(after.subtracting(before).isEmpty, "printed after the citizen gave up: \(after.subtracting(before))")
            await card.remove()
            let kinds = try await kiosk.journalKinds()
            #expect(kinds.contains("service-outcome"))
            #expect(try await kiosk.journalVerifies())
        }
    }
}
