#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The TCP connection to pcscd's vpcd driver. vpcd is the server; connecting inserts the card,
/// closing removes it. Every message either way is a 2-byte big-endian length, then the bytes.
public final class VpcdLink {
    public struct LinkError: Error, CustomStringConvertible {
        public var description: String
    }

    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { disconnect() }

    /// Connects, retrying while the port refuses (pcscd may be starting) for up to `patience` s.
    public static func open(host: String, port: UInt16, patience: Double = 5) throws(LinkError) -> VpcdLink {
        let deadline = monotonicSeconds() + patience
        var lastError = ""
        while true {
            do {
                return VpcdLink(fd: try connectOnce(host: host, port: port))
            } catch {
                lastError = error.description
            }
            if monotonicSeconds() >= deadline { break }
            usleep(100_000)
        }
        throw LinkError(
            description: "vpcd does not accept connections on \(host):\(port) (\(lastError)); "
                + "is pcscd running with the vpcd driver? (scripts/rigs up)")
    }

    private static func connectOnce(host: String, port: UInt16) throws(LinkError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let info = list else { throw LinkError(description: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw LinkError(description: "socket: \(errnoText())") }
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let text = errnoText()
            close(fd)
            throw LinkError(description: text)
        }
        // vpcd writes length and APDU separately; without NODELAY here and QUICKACK before each
        // read, Nagle and delayed ACKs cost ~48 ms per APDU (docs/pitfalls.md).
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Waits up to `seconds` for vpcd to send something; false on timeout. Used once at start to
    /// notice a reader that already has a card (vpcd then leaves us in its backlog, silent).
    public func waitReadable(seconds: Double) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, Int32(seconds * 1000)) > 0
    }

    /// One message from vpcd; nil when vpcd closed the connection.
    public func receiveMessage() throws(LinkError) -> [UInt8]? {
        guard let header = try read(count: 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        if length == 0 { return [] }
        guard let body = try read(count: length) else { throw LinkError(description: "vpcd closed the connection mid-message") }
        return body
    }

    /// Sends one message with its length in a single write, so it leaves in one segment.
    public func sendMessage(_ bytes: [UInt8]) throws(LinkError) {
        let message = [UInt8(bytes.count >> 8 & 0xFF), UInt8(bytes.count & 0xFF)] + bytes
        var offset = 0
        while offset < message.count {
            let n = message.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Self.noSignal) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw LinkError(description: "send to vpcd failed: \(errnoText())") }
            offset += n
        }
    }

    /// Closes the connection: vpcd reports the card removed.
    public func disconnect() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    private func read(count: Int) throws(LinkError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            armQuickAck()
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            if n < 0 && errno == EINTR { continue }
            if n == 0 && offset == 0 { return nil }
            guard n > 0 else { throw LinkError(description: n == 0 ? "vpcd closed the connection mid-message" : "recv: \(errnoText())") }
            offset += n
        }
        return buffer
    }

    /// Linux clears TCP_QUICKACK after it sends an ACK, so it must be set again before each read.
    private func armQuickAck() {
        #if os(Linux)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), 12 /* TCP_QUICKACK */, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    // A write to a vanished vpcd must fail, not kill the card with SIGPIPE.
    #if os(Linux)
        private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
        private static let noSignal: Int32 = 0
    #endif

    private static func errnoText() -> String { String(cString: strerror(errno)) }
    private func errnoText() -> String { Self.errnoText() }

    public static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
