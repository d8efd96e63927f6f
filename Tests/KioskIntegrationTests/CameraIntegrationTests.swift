import Foundation
import KioskCamera
import KioskCore
import KioskHub
import KioskHubSim
import Testing

/// The camera through kiosk-camera and a real GStreamer pipeline: frames from `videotestsrc` and
/// from the demo JPEGs (`multifilesrc`), every failure a `.camera` error that says what happened,
/// and the memory the frames passed through zeroed, not only emptied.
@Suite(.tags(.integration), .timeLimit(.minutes(2))) struct CameraIntegrationTests {
    static let testSource = "videotestsrc pattern=ball ! video/x-raw,width=320,height=240 ! videoconvert ! jpegenc"
    static let demoFrames =
        "multifilesrc location=\(Rigs.repo.appendingPathComponent("devices/camera").path)/frame-%d.jpg start-index=1 stop-index=3 "
        + "loop=true caps=image/jpeg,framerate=10/1"

    @Test(arguments: [testSource, demoFrames])
    func threeJPEGFramesComeBackInMemory(pipeline: String) async throws {
        let frames = try await GStreamerFaceCamera(pipeline: pipeline).capture(count: 3)
        #expect(frames.count == 3)
        for frame in frames {
            #expect(frame.jpeg.starts(with: [0xFF, 0xD8]) && frame.jpeg.suffix(2) == [0xFF, 0xD9])
        }
        frames.forEach { $0.wipe() }
    }

    @Test(arguments: [
        ("v4l2src device=/dev/video97 ! jpegenc", "Cannot identify device"),
        ("nosuchsource ! jpegenc", "does not parse"),
        ("videotestsrc num-buffers=1 ! jpegenc", "stopped after 1 of 3 frames"),
        ("videotestsrc ! pngenc", "not a JPEG"),
    ])
    func eachFailureIsACameraErrorThatSaysWhat(pipeline: String, says: String) async throws {
        do {
            _ = try await GStreamerFaceCamera(pipeline: pipeline).capture(count: 3)
            Issue.record("\(pipeline) gave frames")
        } catch let error as KioskError {
            #expect(error.code == .camera)
            #expect(error.message.contains(says), "\(error.message)")
        }
    }

    @Test func aMissingKioskCameraIsACameraError() async throws {
        await #expect(throws: KioskError.self) {
            try await GStreamerFaceCamera(pipeline: Self.testSource, executable: "/nonexistent/kiosk-camera").capture(count: 1)
        }
    }

    /// The buffer the frames arrived in is zeroed in place once they are cut out of it.
    @Test func theBufferTheFramesCameThroughIsZeroed() async throws {
        let seen = Seen()
        var camera = GStreamerFaceCamera(pipeline: Self.testSource)
        camera.onBufferWiped = { bytes in seen.keep(bytes) }
        let frames = try await camera.capture(count: 2)
        let buffer = seen.bytes
        #expect(buffer.count == frames.reduce(0) { $0 + 4 + $1.jpeg.count }, "the whole buffer was seen")
        #expect(!buffer.isEmpty && buffer.allSatisfy { $0 == 0 }, "the buffer still holds frame bytes")
        frames.forEach { $0.wipe() }
    }

    /// Face verification against the reference hub with the real camera child: after the upload
    /// the frames' own storage (the same memory, not a copy) holds only zeros; the same when the
    /// upload fails.
    @Test(arguments: [false, true])
    func theFramesAreZeroedInPlaceAfterTheUpload(hubFails: Bool) async throws {
        let seed = Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path
        try await HubSimulator.withRunning(.init(port: 0, seedPath: seed)) { url in
            var configuration = HubClientConfiguration(baseURL: url, kioskId: "KIOSK-CAMERA-0001")
            configuration.requestTimeout = .seconds(3)
            configuration.backoffBase = .milliseconds(20)
            let hub = try HTTPHubClient(configuration)
            // The hub fails right after the frames are taken, so the upload is what fails.
            let camera = KeepingCamera(GStreamerFaceCamera(pipeline: Self.testSource)) {
                if hubFails { try await HubSimControl.setScenario(url, #"{"fault": "5xx", "count": -1}"#) }
            }
            let people =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: Rigs.repo.appendingPathComponent("devices/virtual-ssc/people.json"))) as? [[String: Any]]
            let zhang = try #require(people?.first { $0["profile"] as? String == "gen2" })
            let subject = try await hub.resolveSubject(
                ssn: "11010519491231002X", cardNumber: "X00000019", cardIdentifier: zhang["cardIdentifier"] as? String ?? "")
            let flow = FaceVerificationFlow(hub: hub, camera: camera)
            do {
                let outcome = try await flow.run(
                    subjectRef: subject.subjectRef, consent: FaceVerificationFlow.consent(version: "v1", text: "同意"))
                #expect(!hubFails && outcome.decision == "passed", "\(outcome)")
            } catch {
                #expect(hubFails, "\(error)")
            }
            await hub.shutdown()
            let taken = camera.taken
            #expect(taken.count == 3)
            for (frame, storage) in taken {
                #expect(frame.isWiped)
                #expect(frame.jpeg.withUnsafeBufferPointer { $0.baseAddress } == storage, "the wipe zeroed a copy, not the frame's memory")
                #expect(!frame.jpeg.isEmpty && frame.jpeg.allSatisfy { $0 == 0 })
            }
        }
    }
}

/// What the camera child's buffer looked like after the wipe.
final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [UInt8] = []
    func keep(_ bytes: [UInt8]) { lock.withLock { kept = bytes } }
    var bytes: [UInt8] { lock.withLock { kept } }
}

/// A camera that remembers the frames it handed out and where their bytes live.
final class KeepingCamera: FaceCamera, @unchecked Sendable {
    private let inner: GStreamerFaceCamera
    private let afterCapture: @Sendable () async throws -> Void
    private let lock = NSLock()
    private var frames: [(FaceFrame, UnsafePointer<UInt8>?)] = []

    init(_ inner: GStreamerFaceCamera, afterCapture: @escaping @Sendable () async throws -> Void = {}) {
        self.inner = inner
        self.afterCapture = afterCapture
    }

    func capture(count: Int) async throws -> [FaceFrame] {
        let taken = try await inner.capture(count: count)
        lock.withLock { frames = taken.map { ($0, $0.jpeg.withUnsafeBufferPointer { $0.baseAddress }) } }
        try await afterCapture()
        return taken
    }

    var taken: [(FaceFrame, UnsafePointer<UInt8>?)] { lock.withLock { frames } }
}

extension DiagIntegrationTests {
    /// `kioskctl diag --test-camera` takes one frame and says its size; a camera that is not
    /// there is the technician's to fix.
    @Test func diagTakesOneFrameOrSaysTheCameraIsMissing() async throws {
        let good = try Self.writeConfig(in: folder, cameraPipeline: CameraIntegrationTests.testSource)
        let taken = try await Self.diag(config: good, ["--test-camera"])
        #expect(try taken.verdict("camera") == "ok")
        let detail = try taken.detail("camera")
        #expect(detail.contains("one JPEG frame of"), "\(detail)")

        let missing = try Self.writeConfig(in: folder, cameraPipeline: "v4l2src device=/dev/video97 ! jpegenc")
        let none = try await Self.diag(config: missing, ["--test-camera"])
        #expect(try none.verdict("camera") == "fail")
        #expect(try none.actor("camera") == "technician")
        #expect(try none.detail("camera").contains("/dev/video97"))
    }
}
