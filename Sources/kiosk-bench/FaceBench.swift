import ArgumentParser
import Foundation
import KioskCamera
import KioskCore
import Subprocess
import SystemPackage

/// `kiosk-bench face`: (1) the citizen's consent → 3 frames in kioskd's memory through
/// kiosk-camera, against gst-launch-1.0 producing the same 3 JPEGs from the same source, alternated
/// in one run; (2) a release kioskd (the demo configuration: its camera is a pipeline too) after a
/// whole 资格认证 session: its idle RSS.
struct FaceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "face", abstract: "Face capture: kiosk-camera vs gst-launch; RSS.")

    @Option(help: "Captures per side.") var captures = 30
    @Option(help: "Folder with kioskd and kiosk-camera.") var bin: String
    @Option(help: "kioskd configuration for the session part.") var config = "kiosk-config/demo.yaml"

    static let source = "videotestsrc ! video/x-raw,width=640,height=480,framerate=30/1 ! videoconvert ! jpegenc"

    func run() async throws {
        let camera = GStreamerFaceCamera(pipeline: Self.source, executable: "\(bin)/kiosk-camera")
        var ours: [Double] = []
        var base: [Double] = []
        var bytes = 0
        for i in 0..<(captures + 3) {
            // Alternate sides so drift in machine load hits both alike; the first 3 warm up.
            let start = ContinuousClock.now
            let frames = try await camera.capture(count: 3)
            let a = (ContinuousClock.now - start).milliseconds
            bytes = frames.reduce(0) { $0 + $1.jpeg.count }
            frames.forEach { $0.wipe() }
            let b = try await gstLaunch()
            if i >= 3 {
                ours.append(a)
                base.append(b)
            }
        }
        let o = Sample(values: ours)
        let g = Sample(values: base)
        let ratio = o.median / g.median

        let rss = try await rssAfterAFaceSession()
        print("face capture: \(captures) captures a side, 3 frames of 640x480 (\(bytes / 1024) KB in all) from videotestsrc")
        print("| path | median ms | p95 ms | ratio (median) |")
        print("|---|---|---|---|")
        print("| gst-launch-1.0 … num-buffers=3 ! fakesink (baseline) | \(fmt(g.median)) | \(fmt(g.percentile(95))) | 1.00 |")
        print("| consent → frames in kioskd's memory (kiosk-camera) | \(fmt(o.median)) | \(fmt(o.percentile(95))) | \(fmt(ratio, 2)) |")
        print("| kioskd idle RSS after a 资格认证 session (MB) | \(fmt(rss, 1)) | – | – |")
        print(goalLine("face-capture", measured: "\(fmt(ratio, 2))x gst-launch", target: "<= 1.2x gst-launch", met: ratio <= 1.2))
        print(goalLine("face-idle-rss", measured: "\(fmt(rss, 1)) MB", target: "<= 40 MB", met: rss <= 40))
    }

    /// The same source and encoder, 3 buffers, to a fakesink: GStreamer's own start-up and work.
    private func gstLaunch() async throws -> Double {
        let start = ContinuousClock.now
        let result = try await Subprocess.run(
            .name("gst-launch-1.0"),
            arguments: Arguments(
                ["-q"]
                    + Self.source.replacingOccurrences(of: "videotestsrc", with: "videotestsrc num-buffers=3").split(separator: " ").map(
                        String.init) + ["!", "fakesink"]),
            output: .discarded, error: .discarded)
        guard result.terminationStatus.isSuccess else { throw ValidationError("gst-launch-1.0 failed: \(result.terminationStatus)") }
        return (ContinuousClock.now - start).milliseconds
    }

    /// gen2 in → 4 (资格认证) → consent → the decision → back → rating skipped → card out; then the
    /// idle RSS of kioskd.
    private func rssAfterAFaceSession() async throws -> Double {
        let terminal = try await BenchTerminal.start(["\(bin)/kioskd", "--config", config])
        defer { terminal.kill() }
        try await terminal.waitFor("请插入社保卡")
        let card = ["\(FileManager.default.currentDirectoryPath)/devices/virtual-ssc/card"]
        let environment = ["KIOSK_BIN_DIR": bin]
        _ = try await BenchTerminal.run(card + ["insert", "gen2", "--reader", "0", "--", "--quiet"], environment: environment)
        do {
            try await terminal.waitFor("请选择要办理的业务")
            try await terminal.press("4")
            try await terminal.waitFor("同意并开始认证")
            try await terminal.press("Enter")
            try await terminal.waitFor("认证通过", timeout: .seconds(60))
            _ = try await BenchTerminal.run(card + ["remove", "--reader", "0"], environment: environment)
            try await terminal.waitFor("请插入社保卡", timeout: .seconds(60))
        } catch {
            _ = try? await BenchTerminal.run(card + ["remove", "--reader", "0"], environment: environment)
            throw error
        }
        try await Task.sleep(for: .seconds(3))
        return try terminal.programRSSMegabytes()
    }
}
