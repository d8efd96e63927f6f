import Foundation
import KioskCore

/// A camera for demos and tests: serves the JPEGs in a folder (devices/camera/) in turn.
public struct FileFaceCamera: FaceCamera {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public func capture(count: Int) async throws -> [FaceFrame] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jpg") }.sorted()
        guard !names.isEmpty else { throw KioskError(.invalidInput, "no camera frames in \(folder)") }
        return try (0..<count).map { i in
            let path = folder + "/" + names[i % names.count]
            guard let data = FileManager.default.contents(atPath: path), data.starts(with: [0xFF, 0xD8]) else {
                throw KioskError(.invalidInput, "\(path) is not a JPEG")
            }
            return FaceFrame(jpeg: [UInt8](data))
        }
    }
}
