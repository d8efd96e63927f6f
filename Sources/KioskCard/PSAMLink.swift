import KioskCore

/// A connection to the PSAM kept open between authentications. A connection that fails (the PSAM
/// was reseated, pcscd restarted) is dropped and one fresh connection is tried at once; if that
/// fails too, the PSAM is missing.
actor PSAMLink {
    let reader: String
    private var connection: PCSCCardConnection?

    init(reader: String) {
        self.reader = reader
    }

    func run<T: Sendable>(_ body: nonisolated(nonsending) @Sendable (PSAMApplication) async throws -> T) async throws -> T {
        for attempt in 0..<2 {
            let reused = connection != nil
            let open = try await opened()
            do {
                // On the connection's own executor: the relay's APDUs do not hop threads one by one.
                return try await open.isolated { connection in try await body(PSAMApplication(channel: connection)) }
            } catch let failure as PSAMFailure where failure.problem == .psamMissing {
                await open.disconnect()
                connection = nil
                // Only a connection kept from before may be stale; a fresh one failing is the answer.
                guard reused, attempt == 0 else { throw failure }
            }
        }
        throw PSAMFailure(.psamMissing, "the PSAM in \(reader) cannot be reached")
    }

    private func opened() async throws -> PCSCCardConnection {
        if let connection { return connection }
        do {
            let fresh = try await PCSCCardConnection(reader: reader)
            connection = fresh
            return fresh
        } catch let error as KioskError {
            throw PSAMFailure(.psamMissing, "the PSAM in \(reader) cannot be reached: \(error.message)")
        }
    }
}
