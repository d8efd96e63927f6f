import Foundation
import KioskCore
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The kiosk's camera through a GStreamer pipeline (`camera.pipeline`), run by `kiosk-camera` in
/// a child process that lives only while frames are taken: kioskd never loads GStreamer, a camera
/// driver that hangs is killed with its child, and nothing stays open between citizens. Frames
/// come back over a pipe into memory; the buffer they arrived in is zeroed once they are cut out
/// of it, and the frames themselves are zeroed by whoever holds them after the upload.
/// Every failure is a `.camera` KioskError that says what happened.
public struct GStreamerFaceCamera: FaceCamera {
    public let pipeline: String
    public let executable: String
    /// How long one frame may take to come.
    public var frameTimeout: Duration = .seconds(5)
    /// Called with the buffer the frames arrived in, after it was zeroed: the test that proves the
    /// zeroing reads it. Nil in kioskd.
    public var onBufferWiped: (@Sendable ([UInt8]) -> Void)?

    public init(pipeline: String, executable: String? = nil) {
        self.pipeline = pipeline
        self.executable = executable ?? Self.siblingCamera
    }

    /// `kiosk-camera` beside the running program or in the package's private folder, resolved
    /// once, at start.
    public static let siblingCamera = HelperProgram.sibling("kiosk-camera")

    public func capture(count: Int) async throws -> [FaceFrame] {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw KioskError(.camera, "\(executable) is missing: the camera cannot be started")
        }
        let seconds = Double(frameTimeout.components.seconds) + Double(frameTimeout.components.attoseconds) / 1e18
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(1))]
        let received: FrameBuffer
        let status: TerminationStatus
        let stderr: String
        do {
            // The child's stdout is read here chunk by chunk into one buffer this code owns (and
            // zeroes), not collected by the library.
            let run = try await Subprocess.run(
                .path(FilePath(executable)),
                arguments: ["--pipeline", pipeline, "--frames", "\(count)", "--timeout", "\(seconds)"],
                platformOptions: options, input: .none, output: .sequence, error: .string(limit: 4096)
            ) { execution in
                let buffer = FrameBuffer()
                for try await chunk in execution.standardOutput {
                    chunk.withUnsafeBytes { buffer.append($0) }
                    guard buffer.count <= 64 << 20 else { break }
                }
                return buffer
            }
            received = run.closureResult
            status = run.terminationStatus
            stderr = run.standardError
        } catch {
            throw KioskError(.camera, "kiosk-camera could not be run: \(error)")
        }
        defer {
            received.wipe()
            onBufferWiped?(received.bytes)
        }
        let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "kiosk-camera: ", with: "")
        switch status {
        case .exited(0): break
        case .exited(let status):
            throw KioskError(.camera, said.isEmpty ? "kiosk-camera exited with status \(status)" : said)
        case .signaled(let signal):
            throw KioskError(.camera, "kiosk-camera was killed by signal \(signal)")
        }
        let frames = received.frames()
        guard frames.count == count else {
            frames.forEach { $0.wipe() }
            throw KioskError(.camera, "kiosk-camera sent \(frames.count) whole frames, not \(count)")
        }
        return frames
    }
}

/// The bytes from kiosk-camera: frames as a 4-byte big-endian length and the JPEG. A class, so
/// its storage has one owner and `wipe()` zeroes it in place (a copied array would be zeroed as a
/// copy, leaving the original).
final class FrameBuffer: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    var count: Int { bytes.count }

    func append(_ chunk: UnsafeRawBufferPointer) {
        // Grown by hand so no old copy of the frames is left behind in a freed block.
        if bytes.count + chunk.count > bytes.capacity {
            var grown = [UInt8]()
            grown.reserveCapacity(max(bytes.capacity * 2, bytes.count + chunk.count, 64 << 10))
            grown.append(contentsOf: bytes)
            wipe()
            bytes = grown
        }
        bytes.append(contentsOf: chunk)
    }

    /// The whole frames, each copied into a FaceFrame of its own.
    func frames() -> [FaceFrame] {
        var frames: [FaceFrame] = []
        var at = 0
        while at + 4 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard length > 0, at + 4 + length <= bytes.count else { break }
            frames.append(FaceFrame(jpeg: Array(bytes[(at + 4)..<(at + 4 + length)])))
            at += 4 + length
        }
        return frames
    }

    /// Zeroes every byte in place, keeping the storage so the zeroing can be checked.
    func wipe() {
        bytes.withUnsafeMutableBufferPointer { storage in
            for i in storage.indices { storage[i] = 0 }
        }
    }
}
