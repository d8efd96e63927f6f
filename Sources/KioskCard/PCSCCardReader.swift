import KioskCore

/// Waits for a card in a reader and reads it: the card slot as the daemon and `kioskctl card
/// read` use it. Events come from `PCSCReaderMonitor`; the read runs on a `PCSCCardConnection`.
public struct PCSCCardReader: Sendable {
    /// The reader that is the card slot; nil takes the first one pcscd lists.
    public var readerName: String?
    public var authenticator: (any CardAuthenticator)?

    public init(readerName: String? = nil, authenticator: (any CardAuthenticator)? = nil) {
        self.readerName = readerName
        self.authenticator = authenticator
    }

    public struct Reading: Sendable {
        public var reader: String
        public var result: SocialSecurityApplication.ReadResult
        /// From the card-present event to the identity being ready.
        public var elapsed: Duration
        public var activeProtocol: String
    }

    /// Waits up to `timeout` for a card (one already present counts), then reads it.
    /// Throws KioskError: `noCard` after the timeout, `pcscUnavailable`, `readerUnavailable`,
    /// `cardRemoved`, `notSocialSecurityCard`, `cardProtocol`, `cardRejected`.
    public func waitAndRead(timeout: Duration) async throws -> Reading {
        // The watcher used for the wait is gone before this returns (also on error), so a
        // short-lived caller such as kioskctl can exit safely right after.
        do {
            let (reader, atr, seen) = try await waitForCard(timeout: timeout)
            let reading = try await read(reader: reader, atr: atr, since: seen)
            await PCSCReaderMonitor.waitUntilStopped()
            return reading
        } catch {
            await PCSCReaderMonitor.waitUntilStopped()
            throw error
        }
    }

    /// Reads the card now in `reader`; `since` is when it was seen (for the timing). `extent` and
    /// `identified` as `SocialSecurityApplication.read` takes them.
    public func read(
        reader: String, atr: [UInt8], since seen: ContinuousClock.Instant = .now,
        extent: SocialSecurityApplication.Extent = .full, identified: (@Sendable (CardIdentity) -> Void)? = nil
    ) async throws -> Reading {
        try await KioskError.during("reading the card in \(reader)") {
            try await PCSCCardConnection.with(reader: reader) { connection in
                try await connection.isolated { connection in
                    let app = SocialSecurityApplication(channel: connection, authenticator: authenticator)
                    let result = try await app.read(atr: atr.isEmpty ? try connection.atr() : atr, extent: extent, identified: identified)
                    return Reading(
                        reader: reader, result: result, elapsed: ContinuousClock.now - seen, activeProtocol: connection.activeProtocol())
                }
            }
        }
    }

    private func waitForCard(timeout: Duration) async throws -> (String, [UInt8], ContinuousClock.Instant) {
        let wanted = readerName
        return try await withThrowingTaskGroup(of: (String, [UInt8], ContinuousClock.Instant)?.self) { group in
            group.addTask {
                var slot = wanted
                var readersSeen = 0
                for await event in PCSCReaderMonitor.events() {
                    switch event {
                    case .readerAdded(let name):
                        readersSeen += 1
                        if slot == nil { slot = name }
                    case .cardInserted(let name, let atr) where name == slot:
                        return (name, atr, ContinuousClock.now)
                    case .serviceUnavailable(let why):
                        throw KioskError(.pcscUnavailable, why)
                    default: break
                    }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            if let found = try await group.next() ?? nil { return found }
            let names = try? await PCSCReaderDirectory().readers().map(\.name)
            if let wanted, let names, !names.contains(wanted) {
                throw KioskError(.readerUnavailable, "reader '\(wanted)' not found; readers: \(names.joined(separator: ", "))")
            }
            if names?.isEmpty == true { throw KioskError(.readerUnavailable, "no card reader is connected") }
            throw KioskError(.noCard, "no card was inserted within \(timeout)")
        }
    }
}
