import Glibc

/// An address block in CIDR notation ("10.20.0.0/16", "192.168.1.7", "fd00::/8"): what
/// `metrics.allow` lists. Written here because none of the packages the kiosk uses parses CIDR
/// (NIO's SocketAddress gives the bytes of one address, not a block); inet_pton does the parsing.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, host bits cleared.
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// nil when `text` is not an address or address/prefix.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p), parts[1].allSatisfy(\.isNumber) else { return nil }
            prefix = p
        }
        bytes = Self.mask(address, prefix)
        prefixLength = prefix
    }

    /// Whether `address` (4 or 16 bytes; an IPv4-mapped IPv6 address counts as its IPv4 one)
    /// lies in this block.
    public func contains(_ address: [UInt8]) -> Bool {
        var candidate = address
        if candidate.count == 16, bytes.count == 4, candidate[0..<10].allSatisfy({ $0 == 0 }), candidate[10] == 0xFF,
            candidate[11] == 0xFF
        {
            candidate = Array(candidate[12...])
        }
        guard candidate.count == bytes.count else { return false }
        return Self.mask(candidate, prefixLength) == bytes
    }

    /// Whether the textual address lies in this block.
    public func contains(_ address: String) -> Bool { Self.parse(address).map(contains) ?? false }

    public var description: String {
        let text: String
        if bytes.count == 4 {
            text = bytes.map(String.init).joined(separator: ".")
        } else {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var raw = bytes
            text = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil ? String(cString: buffer) : "?"
        }
        return "\(text)/\(prefixLength)"
    }

    /// The bytes of an IPv4 or IPv6 address, nil if it is neither.
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func mask(_ address: [UInt8], _ prefix: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let keep = min(max(prefix - index * 8, 0), 8)
            return keep == 8 ? byte : byte & ~(UInt8(0xFF) >> keep)
        }
    }
}
