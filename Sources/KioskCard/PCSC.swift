import CPCSCLite
import Glibc
import KioskCore

// Every C pointer and DWORD conversion of pcsc-lite lives in this file.
// On Linux x86-64 DWORD is UInt (8 bytes) and LONG is Int: always write DWORD(x).

/// pcsc-lite return codes that Swift does not import (they are cast macros).
enum PCSCCode {
    static let success: Int = 0
    static let cancelled = Int(bitPattern: 0x8010_0002)
    static let invalidHandle = Int(bitPattern: 0x8010_0003)
    static let timeout = Int(bitPattern: 0x8010_000A)
    static let sharingViolation = Int(bitPattern: 0x8010_000B)
    static let noSmartcard = Int(bitPattern: 0x8010_000C)
    static let unknownReader = Int(bitPattern: 0x8010_0009)
    static let protoMismatch = Int(bitPattern: 0x8010_000F)
    static let readerUnavailable = Int(bitPattern: 0x8010_0017)
    static let noService = Int(bitPattern: 0x8010_001D)
    static let serviceStopped = Int(bitPattern: 0x8010_001E)
    static let noReadersAvailable = Int(bitPattern: 0x8010_002E)
    static let unsupportedCard = Int(bitPattern: 0x8010_0065)
    static let unresponsiveCard = Int(bitPattern: 0x8010_0066)
    static let unpoweredCard = Int(bitPattern: 0x8010_0067)
    static let resetCard = Int(bitPattern: 0x8010_0068)
    static let removedCard = Int(bitPattern: 0x8010_0069)
    static let commError = Int(bitPattern: 0x8010_0013)
    static let unknownError = Int(bitPattern: 0x8010_0014)
    static let notTransacted = Int(bitPattern: 0x8010_0016)
}

/// SCARD_STATE_* flags of dwEventState (the high 16 bits carry an event counter).
struct PCSCState: OptionSet, Sendable {
    let rawValue: UInt
    static let unaware = PCSCState([])
    static let ignore = PCSCState(rawValue: 0x0001)
    static let changed = PCSCState(rawValue: 0x0002)
    static let unknown = PCSCState(rawValue: 0x0004)
    static let unavailable = PCSCState(rawValue: 0x0008)
    static let empty = PCSCState(rawValue: 0x0010)
    static let present = PCSCState(rawValue: 0x0020)
    static let exclusive = PCSCState(rawValue: 0x0080)
    static let inUse = PCSCState(rawValue: 0x0100)
    static let mute = PCSCState(rawValue: 0x0200)

    /// The flags without the event counter.
    static func flags(of eventState: UInt) -> PCSCState { PCSCState(rawValue: eventState & 0xFFFF) }
}

/// The reader name pcsc-lite uses to report readers coming and going.
let pnpNotificationReader = "\\\\?PnP?\\Notification"

/// The wait value pcsc-lite treats as "forever" (not UInt.max).
let pcscInfinite: UInt = 0xFFFF_FFFF

/// Turns a pcsc-lite return code into a KioskError.
func pcscError(_ rv: Int, _ what: String) -> KioskError {
    let text = String(cString: pcsc_stringify_error(rv))
    switch rv {
    case PCSCCode.noService, PCSCCode.serviceStopped:
        return KioskError(.pcscUnavailable, "pcscd is not running (\(what): \(text)); start it: scripts/rigs up, or systemctl start pcscd")
    case PCSCCode.removedCard, PCSCCode.resetCard:
        return KioskError(.cardRemoved, "the card was removed (\(what): \(text))")
    case PCSCCode.noSmartcard, PCSCCode.unpoweredCard:
        return KioskError(.noCard, "no card in the reader (\(what): \(text))")
    case PCSCCode.unknownReader, PCSCCode.readerUnavailable, PCSCCode.noReadersAvailable:
        return KioskError(.readerUnavailable, "reader unavailable (\(what): \(text))")
    case PCSCCode.timeout:
        return KioskError(.timeout, "\(what) timed out")
    default:
        return KioskError(.cardProtocol, "\(what) failed: \(text) (0x\(String(UInt32(truncatingIfNeeded: rv), radix: 16)))")
    }
}

/// One pcsc-lite context. Not Sendable: it belongs to the actor or thread that made it.
/// Rule from docs/pitfalls.md: a context used for a status-change wait is used for nothing else
/// (SCardCancel aside); connect and transmit get a context of their own.
final class PCSCContext {
    let handle: SCARDCONTEXT

    init() throws(KioskError) {
        var ctx: SCARDCONTEXT = 0
        let rv = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &ctx)
        guard rv == PCSCCode.success else { throw pcscError(rv, "SCardEstablishContext") }
        handle = ctx
    }

    deinit { SCardReleaseContext(handle) }

    /// The reader names pcscd knows; empty when there are none.
    func readerNames() throws(KioskError) -> [String] {
        var size: DWORD = 0
        var rv = SCardListReaders(handle, nil, nil, &size)
        if rv == PCSCCode.noReadersAvailable { return [] }
        guard rv == PCSCCode.success else { throw pcscError(rv, "SCardListReaders") }
        var buffer = [CChar](repeating: 0, count: Int(size))
        rv = SCardListReaders(handle, nil, &buffer, &size)
        if rv == PCSCCode.noReadersAvailable { return [] }
        guard rv == PCSCCode.success else { throw pcscError(rv, "SCardListReaders") }
        // A multi-string: names separated by NUL, ended by an empty one.
        return buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }

    struct ReaderState {
        var name: String
        /// Flags as last reported, counter included (pass back unmasked).
        var eventState: UInt
        var atr: [UInt8]
        var flags: PCSCState { PCSCState.flags(of: eventState) }
    }

    /// SCardGetStatusChange over `readers` with their known states. Returns the new states, or
    /// nil on timeout. Blocks up to `timeoutMs`.
    func statusChange(_ readers: [(name: String, currentState: UInt)], timeoutMs: UInt) throws(KioskError) -> [ReaderState]? {
        let names = readers.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var states = [SCARD_READERSTATE](repeating: SCARD_READERSTATE(), count: readers.count)
        for i in readers.indices {
            states[i].szReader = UnsafePointer(names[i])
            states[i].dwCurrentState = DWORD(readers[i].currentState)
        }
        let rv = SCardGetStatusChange(handle, DWORD(timeoutMs), &states, DWORD(states.count))
        if rv == PCSCCode.timeout { return nil }
        guard rv == PCSCCode.success else { throw pcscError(rv, "SCardGetStatusChange") }
        return states.enumerated().map { i, s in
            var atr = s.rgbAtr
            let count = min(Int(s.cbAtr), MemoryLayout.size(ofValue: atr))
            let bytes = withUnsafeBytes(of: &atr) { Array($0.prefix(count)) }
            return ReaderState(name: readers[i].name, eventState: UInt(s.dwEventState), atr: bytes)
        }
    }

    /// Ends a status-change wait on this context from another thread: the only call ever made on
    /// a watching context besides the wait itself.
    static func cancel(_ handle: SCARDCONTEXT) {
        _ = SCardCancel(handle)
    }
}

/// A connection to the card in one reader: SCardConnect / SCardTransmit / SCardStatus /
/// SCardDisconnect on a context of its own (never the watching one). Not Sendable: owned by
/// `PCSCCardConnection`'s executor.
final class PCSCCardHandle {
    let context: PCSCContext
    let handle: SCARDHANDLE
    /// SCARD_PROTOCOL_T0 (1) or SCARD_PROTOCOL_T1 (2), as negotiated.
    let activeProtocol: UInt
    let readerName: String

    init(reader: String) throws(KioskError) {
        context = try PCSCContext()
        var handle: SCARDHANDLE = 0
        var proto: DWORD = 0
        let rv = SCardConnect(
            context.handle, reader, DWORD(SCARD_SHARE_SHARED), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &handle, &proto)
        guard rv == PCSCCode.success else { throw pcscError(rv, "SCardConnect(\(reader))") }
        self.handle = handle
        self.activeProtocol = UInt(proto)
        self.readerName = reader
    }

    deinit { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }

    func transmit(_ command: [UInt8]) throws(KioskError) -> [UInt8] {
        // SCARD_PCI_T0/T1 are macros that do not import: copy the globals and pass their address.
        var pci = activeProtocol == UInt(SCARD_PROTOCOL_T1) ? g_rgSCardT1Pci : g_rgSCardT0Pci
        var response = [UInt8](repeating: 0, count: 258 + 2)
        var length = DWORD(response.count)
        let rv = command.withUnsafeBufferPointer { cmd in
            SCardTransmit(handle, &pci, cmd.baseAddress, DWORD(cmd.count), nil, &response, &length)
        }
        // A card pulled mid-exchange shows in many ways: removed or reset, "transaction failed",
        // or an empty answer (vpcd). pcscd notices the absence only at its next presence poll,
        // so ask the reader for a while before calling it anything but removed.
        if rv == PCSCCode.removedCard || rv == PCSCCode.resetCard || rv == PCSCCode.noSmartcard {
            throw KioskError(.cardRemoved, "the card was removed during the read")
        }
        if rv != PCSCCode.success || length < 2 {
            if cardLeft(within: .milliseconds(1500)) {
                throw KioskError(.cardRemoved, "the card was removed during the read")
            }
            if rv != PCSCCode.success { throw pcscError(rv, "SCardTransmit") }
        }
        return Array(response.prefix(Int(length)))
    }

    /// SCardStatus: the return code, the reader state flags and the ATR.
    private func status() -> (rv: Int, state: UInt, atr: [UInt8]) {
        var state: DWORD = 0
        var proto: DWORD = 0
        var atr = [UInt8](repeating: 0, count: 33)
        var atrLength = DWORD(atr.count)
        var nameLength: DWORD = 0
        let rv = SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength)
        return (rv, UInt(state), Array(atr.prefix(Int(atrLength))))
    }

    /// Is a card still there?
    func cardPresent() -> Bool {
        let s = status()
        return s.rv == PCSCCode.success && (s.state & UInt(SCARD_PRESENT)) != 0
    }

    /// Polls the reader until the card is seen gone (true) or `limit` passes (false).
    func cardLeft(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        repeat {
            if !cardPresent() { return true }
            usleep(50_000)
        } while ContinuousClock.now < deadline
        return false
    }

    /// The ATR of the connected card.
    func atr() throws(KioskError) -> [UInt8] {
        let s = status()
        guard s.rv == PCSCCode.success else { throw pcscError(s.rv, "SCardStatus") }
        return s.atr
    }
}
