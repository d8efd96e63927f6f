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

    /// Runs `body` on this connection's own executor, so that a card application's steps
    /// (`nonisolated(nonsending)`) send their APDUs without leaving it.
    public func isolated<T: Sendable>(_ body: @Sendable (isolated PCSCCardConnection) async throws -> T) async throws -> T {
        try await body(self)
    }

    public func disconnect() {
        handle = nil
    }

    /// Connects to the card in `reader`, runs `body`, and disconnects before returning, whatever
    /// happened, never in a detached task: a caller that exits right after (kioskctl) would
    /// otherwise tear pcsc-lite down under that call (SIGSEGV).
    public static func with<T: Sendable>(
        reader: String, _ body: (PCSCCardConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PCSCCardConnection(reader: reader)
        do {
            let result = try await body(connection)
            await connection.disconnect()
            return result
        } catch {
            await connection.disconnect()
            throw error
        }
    }
}
