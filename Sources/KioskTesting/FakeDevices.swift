import KioskCore
import Synchronization

/// A camera that hands out small frames and remembers them, so a test can check they were wiped.
public final class FakeCamera: FaceCamera {
    private let captured = Mutex<[FaceFrame]>([])

    public init() {}

    public var frames: [FaceFrame] { captured.withLock { $0 } }

    public func capture(count: Int) async throws -> [FaceFrame] {
        let frames = (0..<count).map { _ in FaceFrame(jpeg: [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) }
        captured.withLock { $0 += frames }
        return frames
    }
}

/// Renders nothing: a few bytes and a page count, after an optional wait (a slow child).
public struct FakeDocumentRenderer: DocumentRendering {
    public var latency: Duration
    /// How many documents of each kind were rendered (after their latency).
    public let rendered = RenderCount()

    public final class RenderCount: Sendable {
        private let counts = Mutex((receipts: 0, certificates: 0))
        public var receipts: Int { counts.withLock { $0.receipts } }
        public var certificates: Int { counts.withLock { $0.certificates } }
        func add(receipt: Bool) { counts.withLock { receipt ? ($0.receipts += 1) : ($0.certificates += 1) } }
    }

    public init(latency: Duration = .zero) { self.latency = latency }

    public func receipt(_ content: ReceiptContent) async throws -> RenderedDocument {
        if latency > .zero { try await Task.sleep(for: latency) }
        rendered.add(receipt: true)
        return RenderedDocument(pdf: Array("%PDF-receipt".utf8), pages: 1)
    }

    public func certificate(_ content: CertificateContent) async throws -> RenderedDocument {
        if latency > .zero { try await Task.sleep(for: latency) }
        rendered.add(receipt: false)
        return RenderedDocument(pdf: Array("%PDF-certificate".utf8), pages: 2)
    }
}

/// The real time for events, and waits that only yield: retries and backoffs happen at once.
public struct ImmediateClock: KioskClock {
    public init() {}
    public func now() -> SessionTime { .current() }
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        await Task.yield()
    }
}
