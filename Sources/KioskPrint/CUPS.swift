import CCUPS
import Glibc
import KioskCore

// Every C pointer of libcups lives in this file. http_t and ipp_t are OpaquePointers and not
// Sendable: they stay inside the actor that made them. cupsLastError() is per thread: it is
// read right after the call, with no await between.

/// A connection to cupsd (or to a printer's own IPP server), with a connect timeout so a
/// stopped cupsd answers in milliseconds and a hung one within `timeoutMs`.
final class CUPSConnection {
    let http: OpaquePointer

    /// Connects to the scheduler cupsd (its Unix socket or host:port from the CUPS client config).
    convenience init(timeoutMs: Int32 = 5000) throws(KioskError) {
        try self.init(host: String(cString: cupsServer()), port: ippPort(), timeoutMs: timeoutMs, what: "cupsd")
    }

    init(host: String, port: Int32, timeoutMs: Int32, what: String) throws(KioskError) {
        var cancel: Int32 = 0
        guard let http = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, timeoutMs, &cancel) else {
            throw KioskError(
                .cupsUnavailable,
                "\(what) is not reachable at \(host)\(host.hasPrefix("/") ? "" : ":\(port)"); start it: scripts/rigs up, or systemctl start cups"
            )
        }
        httpSetTimeout(http, Double(timeoutMs) / 1000, nil, nil)
        self.http = http
    }

    deinit { httpClose(http) }

    /// Sends an IPP request and returns the response's attributes, or throws with cupsLastError.
    /// `notFoundIsEmpty`: IPP's client-error-not-found (no printers, no jobs) reads as no groups.
    func perform(_ request: IPPRequest, resource: String = "/", notFoundIsEmpty: Bool = false) throws(KioskError) -> IPPResponse {
        let response = cupsDoRequest(http, request.take(), resource)
        let status = cupsLastError()
        let message = cupsLastErrorString().map { String(cString: $0) } ?? "unknown error"
        guard let response else {
            throw KioskError(.cupsUnavailable, "IPP request to cupsd failed: \(message)")
        }
        let result = IPPResponse(response)
        if notFoundIsEmpty && status == IPP_STATUS_ERROR_NOT_FOUND { return IPPResponse.empty }
        guard status.rawValue < 0x0100 else {  // IPP_STATUS_OK ... IPP_STATUS_OK_EVENTS_COMPLETE
            throw KioskError(.printer, "cupsd refused the request: \(message)")
        }
        return result
    }

    /// Sends an IPP request with a document (Print-Job). The bytes go through a private temporary
    /// file to cupsDoFileRequest, the path libcups' own lp takes (streaming them with
    /// cupsSendRequest + cupsWriteRequestData leaves cupsd without a readable response).
    func perform(_ request: IPPRequest, resource: String, document: [UInt8]) throws(KioskError) -> IPPResponse {
        var template = Array("/tmp/kioskd-print-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw KioskError(.printer, "cannot create a temporary file for the print job: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: template)
        defer { unlink(path) }
        let written = document.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == document.count else { throw KioskError(.printer, "cannot write the print job's temporary file \(path)") }
        let response = cupsDoFileRequest(http, request.take(), resource, path)
        let status = cupsLastError()
        let message = cupsLastErrorString().map { String(cString: $0) } ?? "unknown error"
        // The request went out whole or in part; cupsd may have queued it before it went away.
        guard let response else {
            throw KioskError(.printOutcomeUnknown, "cupsd did not answer the print request, which it may have taken: \(message)")
        }
        let result = IPPResponse(response)
        guard status.rawValue < 0x0100 else { throw KioskError(.printer, "cupsd refused the job: \(message)") }
        return result
    }

    /// scheme, host, port and resource of an ipp:// URI (a queue's device-uri).
    static func separate(uri: String) -> (scheme: String, host: String, port: Int32, resource: String)? {
        var scheme = [CChar](repeating: 0, count: 32)
        var user = [CChar](repeating: 0, count: 256)
        var host = [CChar](repeating: 0, count: 256)
        var resource = [CChar](repeating: 0, count: 1024)
        var port: Int32 = 0
        let status = httpSeparateURI(
            HTTP_URI_CODING_ALL, uri, &scheme, Int32(scheme.count), &user, Int32(user.count), &host, Int32(host.count), &port,
            &resource, Int32(resource.count))
        guard status.rawValue >= HTTP_URI_STATUS_OK.rawValue else { return nil }
        return (String(cString: scheme), String(cString: host), port, String(cString: resource))
    }

    /// The user libcups sends as requesting-user-name (the job owner cupsd checks on cancel).
    static var user: String { String(cString: cupsUser()) }

    /// SHA-256 of bytes as lowercase hex, by libcups (KioskPrint has no crypto library).
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var hash = [UInt8](repeating: 0, count: 32)
        let n = bytes.withUnsafeBytes { cupsHashData("sha2-256", $0.baseAddress, bytes.count, &hash, hash.count) }
        return hash.prefix(max(0, Int(n))).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// An IPP request being built. Owns its ipp_t until `perform` hands it to libcups.
final class IPPRequest {
    private var ipp: OpaquePointer?

    init(_ op: ipp_op_t) { ipp = ippNewRequest(op) }
    deinit { if let ipp { ippDelete(ipp) } }

    func add(_ name: String, uri: String) {
        ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_URI, name, nil, uri)
    }

    func add(_ name: String, name value: String) {
        ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_NAME, name, nil, value)
    }

    func add(_ name: String, mimeType: String) {
        ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, name, nil, mimeType)
    }

    func add(_ name: String, integer: Int) {
        ippAddInteger(ipp, IPP_TAG_OPERATION, IPP_TAG_INTEGER, name, Int32(integer))
    }

    func add(_ name: String, keyword: String) {
        ippAddString(ipp, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, name, nil, keyword)
    }

    /// A job template attribute (media), in the job group.
    func addJob(_ name: String, keyword: String) {
        ippAddString(ipp, IPP_TAG_JOB, IPP_TAG_KEYWORD, name, nil, keyword)
    }

    func add(_ name: String, keywords: [String]) {
        let copies = keywords.map { UnsafePointer(strdup($0)) }
        defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        copies.withUnsafeBufferPointer { buf in
            _ = ippAddStrings(ipp, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, name, Int32(buf.count), nil, buf.baseAddress)
        }
    }

    /// Hands ownership to libcups (cupsDoRequest frees the request).
    func take() -> OpaquePointer? {
        defer { ipp = nil }
        return ipp
    }
}

/// An IPP response read into Swift values: one dictionary per group of attributes (one per
/// printer or job), keyed by attribute name, every value as text.
final class IPPResponse {
    let groups: [[String: [String]]]

    static var empty: IPPResponse { IPPResponse(groups: []) }
    private init(groups: [[String: [String]]]) { self.groups = groups }

    init(_ ipp: OpaquePointer) {
        defer { ippDelete(ipp) }
        var groups: [[String: [String]]] = []
        var current: [String: [String]] = [:]
        var attr = ippFirstAttribute(ipp)
        while let a = attr {
            if let namePtr = ippGetName(a) {
                let name = String(cString: namePtr)
                current[name] = IPPResponse.values(of: a)
            } else if !current.isEmpty {
                // A separator between groups.
                groups.append(current)
                current = [:]
            }
            attr = ippNextAttribute(ipp)
        }
        if !current.isEmpty { groups.append(current) }
        self.groups = groups
    }

    private static func values(of attr: OpaquePointer) -> [String] {
        let count = ippGetCount(attr)
        let tag = ippGetValueTag(attr)
        return (0..<count).map { i in
            switch tag {
            case IPP_TAG_INTEGER, IPP_TAG_ENUM:
                return String(ippGetInteger(attr, i))
            case IPP_TAG_BOOLEAN:
                return ippGetBoolean(attr, i) != 0 ? "true" : "false"
            default:
                return ippGetString(attr, i, nil).map { String(cString: $0) } ?? ""
            }
        }
    }
}

/// IPP printer-state enum (3 idle, 4 processing, 5 stopped) as a word.
func printerStateWord(_ value: String?) -> String {
    switch value {
    case "3": return "idle"
    case "4": return "processing"
    case "5": return "stopped"
    default: return "unknown"
    }
}
