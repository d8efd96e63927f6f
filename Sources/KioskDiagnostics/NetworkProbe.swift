import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The two network facts the hub check needs before any HTTP: does the name resolve, and does
/// a TCP connection open. Blocking calls: run them off the cooperative pool.
enum NetworkProbe {
    /// The addresses `host` resolves to, as text; or getaddrinfo's words.
    static func resolve(host: String) -> Result<[String], ProbeFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rv = getaddrinfo(host, nil, &hints, &list)
        guard rv == 0, let first = list else { return .failure(ProbeFailure(String(cString: gai_strerror(rv)))) }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return .success(addresses)
    }

    /// Opens (and closes) a TCP connection to `host:port` within `timeoutMs`, trying each
    /// address; the last error when none answers.
    static func connect(host: String, port: Int, timeoutMs: Int32) -> Result<Void, ProbeFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rv = getaddrinfo(host, String(port), &hints, &list)
        guard rv == 0, let first = list else { return .failure(ProbeFailure(String(cString: gai_strerror(rv)))) }
        defer { freeaddrinfo(list) }
        var lastError = ProbeFailure("no address")
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            let fd = socket(entry.pointee.ai_family, entry.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), entry.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if Glibc.connect(fd, entry.pointee.ai_addr, entry.pointee.ai_addrlen) == 0 { return .success(()) }
            guard errno == EINPROGRESS else {
                lastError = ProbeFailure(String(cString: strerror(errno)))
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, timeoutMs)
            guard ready > 0 else {
                lastError = ProbeFailure(ready == 0 ? "no answer within \(timeoutMs) ms" : String(cString: strerror(errno)))
                continue
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError == 0 { return .success(()) }
            lastError = ProbeFailure(String(cString: strerror(soError)))
        }
        return .failure(lastError)
    }

    struct ProbeFailure: Error, Sendable {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
