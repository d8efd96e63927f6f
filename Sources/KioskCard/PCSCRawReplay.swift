import CPCSCLite
import KioskCore

/// The baseline of `scripts/bench card`: the smallest possible PC/SC client — establish, connect,
/// SCardTransmit a fixed APDU sequence, disconnect, release — with no parsing, no actors and no
/// error mapping. It lives in the adapter because nothing else may import C.
public enum PCSCRawReplay {
    /// Replays `commands` on the card in `reader`; returns the number of response bytes
    /// (so the work cannot be optimised away). Blocking: call it off the cooperative pool.
    /// With `psam`, the generation-3 authentication is relayed as kioskd does it, as plainly as
    /// it can be: the card's challenge is kept, and before EXTERNAL AUTHENTICATE the PSAM gets
    /// `initCommand` (INIT FOR DESCRYPT) and DES CRYPT over the challenge (GET RESPONSE on
    /// 61xx); its answer replaces the recorded cryptogram.
    public static func run(reader: String, commands: [[UInt8]], psam: (link: RawPSAM, initCommand: [UInt8])? = nil) -> Int {
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
        var challenge: [UInt8] = []
        for recorded in commands {
            var command = recorded
            if let psam, command.count > 1, command[1] == 0x82 {
                guard let cryptogram = psam.link.relay(psam.initCommand, challenge) else { return -1 }
                command = Array(command.prefix(5)) + cryptogram
            }
            var length = DWORD(response.count)
            let rv = command.withUnsafeBufferPointer { SCardTransmit(card, &pci, $0.baseAddress, DWORD($0.count), nil, &response, &length) }
            guard rv == 0 else { return -1 }
            if command.count > 1, command[1] == 0x84, length >= 10 { challenge = Array(response[0..<8]) }
            total += Int(length)
        }
        return total
    }
}

/// The raw baseline's PSAM: one context and one connection for the whole run, as kioskd keeps its
/// own; INIT FOR DESCRYPT, DES CRYPT (and GET RESPONSE) for each card. Used from one thread at a time.
public final class RawPSAM: @unchecked Sendable {
    private var context: SCARDCONTEXT = 0
    private var handle: SCARDHANDLE = 0
    private var pci: SCARD_IO_REQUEST
    private var response = [UInt8](repeating: 0, count: 260)

    public init?(reader: String) {
        var proto: DWORD = 0
        guard SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context) == 0 else { return nil }
        guard SCardConnect(context, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &handle, &proto) == 0
        else {
            SCardReleaseContext(context)
            return nil
        }
        pci = proto == DWORD(SCARD_PROTOCOL_T1) ? g_rgSCardT1Pci : g_rgSCardT0Pci
    }

    deinit {
        SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD))
        SCardReleaseContext(context)
    }

    private func send(_ command: [UInt8]) -> Int? {
        var length = DWORD(response.count)
        let rv = command.withUnsafeBufferPointer { SCardTransmit(handle, &pci, $0.baseAddress, DWORD($0.count), nil, &response, &length) }
        return rv == 0 ? Int(length) : nil
    }

    func relay(_ initCommand: [UInt8], _ challenge: [UInt8]) -> [UInt8]? {
        guard send(initCommand) != nil else { return nil }
        guard var length = send([0x80, 0xFA, 0x00, 0x00, 0x10] + challenge + [UInt8](repeating: 0, count: 8) + [0x10]) else { return nil }
        if length == 2, response[0] == 0x61, let fetched = send([0x00, 0xC0, 0x00, 0x00, response[1]]) { length = fetched }
        guard length == 18 else { return nil }
        return Array(response[0..<16])
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
