import KioskCore

/// Raw APDU exchange with one card: command bytes in, response bytes (data + SW) out.
/// `PCSCCardConnection` is the real one; unit tests of the card application use an in-process
/// card. Errors are KioskErrors (`cardRemoved`, `readerUnavailable`, …).
public protocol CardChannel: Sendable {
    func transmit(_ command: [UInt8]) async throws -> [UInt8]
}

/// The transport rules of ISO 7816-4 over any channel: `61xx` → GET RESPONSE for xx bytes
/// (repeated while the card has more), `6Cxx` → the same command again with Le = xx.
public struct CardTransport: Sendable {
    public let channel: any CardChannel
    /// How many 61xx/6Cxx rounds one command may take before the card is called broken.
    public var maxRounds = 16

    public init(_ channel: any CardChannel) {
        self.channel = channel
    }

    public nonisolated(nonsending) func send(_ command: [UInt8]) async throws -> ResponseAPDU {
        var current = command
        var data: [UInt8] = []
        for _ in 0..<maxRounds {
            let response = try ResponseAPDU(try await channel.transmit(current))
            switch response.status {
            case .moreData(let n):
                data += response.data
                current = [0x00, 0xC0, 0x00, 0x00, n]
            case .wrongLength(let n):
                guard current.count >= 5 else { throw CardProtocolError("6C\(n) answered a command without Le") }
                current[current.count - 1] = n
                data = []
            default:
                return ResponseAPDU(data: data + response.data, sw: response.sw)
            }
        }
        throw CardProtocolError("card kept answering 61xx/6Cxx after \(maxRounds) rounds")
    }
}
