import Foundation
import Testing

/// 资格认证 with the kiosk's camera as a GStreamer pipeline (kiosk-camera), end to end: kioskd in
/// a real terminal, the reference hub, the demo frames through `multifilesrc`; and a camera that
/// is not there.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct CameraEndToEndTests {
    @Test func theQualificationCheckPassesWithFramesFromThePipeline() async throws {
        try await KioskEndToEnd.run(cameraPipeline: CameraIntegrationTests.demoFrames) { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("4")
            _ = try await kiosk.screen(contains: "同意并开始认证")
            try await kiosk.press("Enter")
            let result = try await kiosk.screen(contains: "认证通过", timeout: .seconds(40))
            #expect(!result.contains("张三"))
            let kinds = try await kiosk.journalKinds()
            #expect(kinds.contains("face-capture") && kinds.contains("face-wipe"), "\(kinds)")
            await card.remove()
            #expect(try await kiosk.journalVerifies())
        }
    }

    @Test func aCameraThatIsNotThereSendsTheCitizenToTheCounter() async throws {
        try await KioskEndToEnd.run(cameraPipeline: "v4l2src device=/dev/video97 ! videoconvert ! jpegenc") { kiosk in
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务")
            try await kiosk.press("4")
            _ = try await kiosk.screen(contains: "同意并开始认证")
            try await kiosk.press("Enter")
            let screen = try await kiosk.tmux.waitFor(timeout: .seconds(30)) {
                $0.contains("本机摄像头暂时无法使用") && !$0.contains("同意并开始认证")
            }
            #expect(screen.contains("人工窗口"), "\(screen)")
            let outcomes = try await kiosk.journalRecords().filter { $0["kind"] as? String == "service-outcome" }
            #expect(outcomes.contains { ($0["payload"] as? [String: Any])?["error"] as? String == "camera" }, "\(outcomes)")
            await card.remove()
        }
    }
}
