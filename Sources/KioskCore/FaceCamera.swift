/// A camera for face verification. Frames live in memory only: never on disk, never in a log
/// or the journal; whoever holds a `FaceFrame` wipes it after the upload.
public protocol FaceCamera: Sendable {
    func capture(count: Int) async throws -> [FaceFrame]
}

/// One JPEG frame, owned by exactly one holder, zeroed by `wipe()` (and on deinit).
public final class FaceFrame: @unchecked Sendable {
    public private(set) var jpeg: [UInt8]
    /// True once `wipe()` ran: `jpeg` then holds only zeros, in the very storage the frame was in
    /// (kept, not freed, so the zeroing can be checked and no copy is left in a freed block).
    public private(set) var isWiped = false

    public init(jpeg: [UInt8]) {
        self.jpeg = jpeg
    }

    /// Overwrites the bytes in place.
    public func wipe() {
        jpeg.withUnsafeMutableBufferPointer { bytes in
            for i in bytes.indices { bytes[i] = 0 }
        }
        isWiped = true
    }

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
