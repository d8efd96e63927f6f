/// A camera for face verification. Frames live in memory only: never on disk, never in a log
/// or the journal; whoever holds a `FaceFrame` wipes it after the upload.
public protocol FaceCamera: Sendable {
    func capture(count: Int) async throws -> [FaceFrame]
}

/// One JPEG frame, owned by exactly one holder, zeroed by `wipe()` (and on deinit).
public final class FaceFrame: @unchecked Sendable {
    public private(set) var jpeg: [UInt8]

    public init(jpeg: [UInt8]) {
        self.jpeg = jpeg
    }

    /// Overwrites the bytes in place, then drops them.
    public func wipe() {
        for i in jpeg.indices { jpeg[i] = 0 }
        jpeg.removeAll()
    }

    public var isWiped: Bool { jpeg.isEmpty }

    deinit { wipe() }
}

/// The outcome of a face verification as the citizen is told it.
public struct FaceVerificationOutcome: Sendable, Equatable {
    public var decision: String
    public var reasonCode: String?
    public var nextDueBy: String?
    public var receiptNo: String?
    public var attemptsLeftToday: Int?

    public init(decision: String, reasonCode: String?, nextDueBy: String?, receiptNo: String?, attemptsLeftToday: Int?) {
        self.decision = decision
        self.reasonCode = reasonCode
        self.nextDueBy = nextDueBy
        self.receiptNo = receiptNo
        self.attemptsLeftToday = attemptsLeftToday
    }
}
