import KioskCore

/// The card in one reader, as a `CardChannel`: every blocking pcsc-lite call runs on this
/// actor's own executor, never on the cooperative pool.
public actor PCSCCardConnection: CardChannel {
    private let executor: BlockingExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private var handle: PCSCCardHandle?
    public nonisolated let readerName: String

    /// Connects (T=0 or T=1, whichever the card offers). Throws `noCard`, `readerUnavailable`,
    /// `pcscUnavailable`.
    public init(reader: String) async throws {
        self.readerName = reader
        self.executor = BlockingExecutor(label: "kioskd.pcsc.card")
        try await connect()
    }

    private func connect() throws {
        handle = try PCSCCardHandle(reader: readerName)
    }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        guard let handle else { throw KioskError(.cardRemoved, "the card connection is closed") }
        return try handle.transmit(command)
    }

    public func atr() throws -> [UInt8] {
        guard let handle else { throw KioskError(.cardRemoved, "the card connection is closed") }
        return try handle.atr()
    }

    /// "T=0" or "T=1".
    public func activeProtocol() -> String {
        handle?.activeProtocol == 2 ? "T=1" : "T=0"
    }

    public func disconnect() {
        handle = nil
    }
}
