import CPCSCLite
import KioskCore

/// The baseline of `scripts/bench card`: the smallest possible PC/SC client — establish, connect,
/// SCardTransmit a fixed APDU sequence, disconnect, release — with no parsing, no actors and no
/// error mapping. It lives in the adapter because nothing else may import C.
public enum PCSCRawReplay {
    /// Replays `commands` on the card in `reader`; returns the number of response bytes
    /// (so the work cannot be optimised away). Blocking: call it off the cooperative pool.
    public static func run(reader: String, commands: [[UInt8]]) -> Int {
        var context: SCARDCONTEXT = 0
        guard SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context) == 0 else { return -1 }
        defer { SCardReleaseContext(context) }
        var card: SCARDHANDLE = 0
        var proto: DWORD = 0
        guard SCardConnect(context, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &proto) == 0
        else { return -1 }
        defer { SCardDisconnect(card, DWORD(SCARD_LEAVE_CARD)) }
        var pci = proto == DWORD(SCARD_PROTOCOL_T1) ? g_rgSCardT1Pci : g_rgSCardT0Pci
        var total = 0
        var response = [UInt8](repeating: 0, count: 260)
        for command in commands {
            var length = DWORD(response.count)
            let rv = command.withUnsafeBufferPointer { SCardTransmit(card, &pci, $0.baseAddress, DWORD($0.count), nil, &response, &length) }
            guard rv == 0 else { return -1 }
            total += Int(length)
        }
        return total
    }
}

/// A channel that remembers every command sent through it (the bench records our sequence to
/// replay it raw).
public actor RecordingChannel: CardChannel {
    private let inner: any CardChannel
    public private(set) var commands: [[UInt8]] = []

    public init(_ inner: any CardChannel) {
        self.inner = inner
    }

    public func transmit(_ command: [UInt8]) async throws -> [UInt8] {
        commands.append(command)
        return try await inner.transmit(command)
    }
}
