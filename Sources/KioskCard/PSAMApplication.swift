import KioskCore

/// The few PSAM commands a kiosk uses, over any channel (docs/psam.md has the APDUs and their
/// source): READ BINARY of EF 0016 (the terminal number), INIT FOR DESCRYPT and DES CRYPT.
/// Every failure is a `PSAMFailure`. Its steps run on the caller's executor, as the card
/// application's do: on the PSAM connection's own, its APDUs go out without a thread hop each.
public struct PSAMApplication: Sendable {
    let transport: CardTransport

    public init(channel: any CardChannel) {
        transport = CardTransport(channel)
    }

    /// The 16 bytes for the card's EXTERNAL AUTHENTICATE: the key diversified by the card
    /// identifier (two 8-byte levels), then the challenge padded with zeros to 16 bytes encrypted.
    public nonisolated(nonsending) func cryptogram(key: PSAMAuthenticator.Key, challenge: [UInt8], diversification: [UInt8]) async throws
        -> [UInt8]
    {
        guard diversification.count == 16, challenge.count == 8 else {
            throw PSAMFailure(
                .psamError, "the card gave a \(challenge.count)-byte challenge and a \(diversification.count)-byte identifier")
        }
        let initialised = try await send([0x80, 0x1A, key.usage, key.version, 0x10] + diversification, "INIT FOR DESCRYPT")
        guard initialised.isSuccess else { throw answered("INIT FOR DESCRYPT", initialised.status) }
        let block = challenge + [UInt8](repeating: 0, count: 8)
        let crypted = try await send([0x80, 0xFA, 0x00, 0x00, 0x10] + block + [0x10], "DES CRYPT")
        guard crypted.isSuccess else { throw answered("DES CRYPT", crypted.status) }
        guard crypted.data.count == 16 else {
            throw PSAMFailure(.psamError, "DES CRYPT answered \(crypted.data.count) bytes, not 16")
        }
        return crypted.data
    }

    /// EF 0016 by short file identifier: 6 bytes, shown as 12 digits.
    public nonisolated(nonsending) func terminalNumber() async throws -> String {
        let response = try await send([0x00, 0xB0, 0x96, 0x00, 0x06], "READ BINARY 0016")
        guard response.isSuccess, response.data.count == 6 else {
            if response.isSuccess { throw PSAMFailure(.notPSAM, "EF 0016 holds \(response.data.count) bytes, not a terminal number") }
            throw answered("READ BINARY 0016", response.status)
        }
        return Hex.encode(response.data)
    }

    /// Whether INIT FOR DESCRYPT finds `key` (with a zero diversification: nothing is encrypted).
    public nonisolated(nonsending) func hasKey(_ key: PSAMAuthenticator.Key) async throws -> Bool {
        let response = try await send([0x80, 0x1A, key.usage, key.version, 0x10] + [UInt8](repeating: 0, count: 16), "INIT FOR DESCRYPT")
        if response.isSuccess { return true }
        if response.sw == 0x6A88 || response.sw == 0x9403 { return false }
        throw answered("INIT FOR DESCRYPT", response.status)
    }

    /// A status word that says "not this kind of card" (no such file, instruction or class) means
    /// something other than a PSAM sits in the SAM slot; any other error is the PSAM's own.
    private func answered(_ command: String, _ status: StatusWord) -> PSAMFailure {
        switch status {
        case .fileNotFound, .insNotSupported, .claNotSupported:
            PSAMFailure(.notPSAM, "\(command) answered \(status): the card in the SAM slot is not a PSAM")
        default:
            PSAMFailure(.psamError, "\(command) answered \(status)")
        }
    }

    private nonisolated(nonsending) func send(_ command: [UInt8], _ name: String) async throws -> ResponseAPDU {
        do { return try await transport.send(command) } catch let error as CardProtocolError {
            throw PSAMFailure(.psamError, "\(name): the PSAM answered garbage: \(error.detail)")
        } catch let error as KioskError {
            throw PSAMFailure(.psamMissing, "\(name): \(error.message)")
        }
    }
}
