import Foundation
import KioskCamera
import KioskCore

extension KioskDiagnostics {
    /// The camera for 资格认证: none (the service is not offered), a folder of demo frames, or a
    /// GStreamer pipeline whose device is watched; with `testCapture`, one frame is taken through
    /// kiosk-camera as a citizen's would be, and only its size and time are reported.
    static func cameraCheck(_ camera: KioskConfiguration.Camera, testCapture: Bool, executable: String? = nil) async -> DiagnosticResult {
        let check = "camera"
        guard !camera.pipeline.isEmpty else {
            if camera.folder.isEmpty { return .ok(check, "no camera configured: face verification is not offered") }
            return .ok(check, "demo frames from \(camera.folder), no real camera")
        }
        if let device = camera.device, !FileManager.default.fileExists(atPath: device) {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "the camera's device \(device) is not there",
                action: "plug the camera in (USB) and check it appears as \(device); or fix camera.pipeline",
                actionZh: "请技术人员检查摄像头连接")
        }
        guard testCapture else { return .ok(check, "pipeline configured; run with --test-camera to take a frame") }
        let started = ContinuousClock.now
        do {
            let frames = try await GStreamerFaceCamera(pipeline: camera.pipeline, executable: executable).capture(count: 1)
            let bytes = frames.first?.jpeg.count ?? 0
            frames.forEach { $0.wipe() }
            let ms = (ContinuousClock.now - started).components
            let elapsed = ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000
            return .ok(check, "one JPEG frame of \(bytes) bytes in \(elapsed) ms (wiped)")
        } catch {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "no frame: \(plain(error))",
                action: "check the camera's cable and camera.pipeline (gst-launch-1.0 with the same pipeline shows GStreamer's own error)",
                actionZh: "请技术人员检查摄像头")
        }
    }
}
