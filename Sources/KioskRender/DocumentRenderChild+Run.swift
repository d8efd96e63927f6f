import Foundation
import KioskCore
import KioskPrint

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child's side of the render pipe (`kiosk-render`): one request on stdin, the answer on
/// stdout. Its own executable, so the daemon never maps cairo, pango, glib, pixman or
/// fontconfig at all, not even unused (mapped and relocated, they would take some 4 MB of
/// kioskd's idle memory).
extension DocumentRenderChild {
    /// Renders the request in `input` (the whole of stdin). Never throws: every failure is a reply.
    public static func respond(to input: [UInt8]) -> Reply {
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: Data(input))
        } catch {
            // Most likely a kiosk-render from another release than kioskd's: a fault of the
            // installation (printer error), not a refusal of what the citizen asked to print.
            return .failure(
                KioskError(
                    .printer,
                    "kiosk-render cannot read the render request (\(input.count) bytes; is it from the same release as kioskd?): \(error)"))
        }
        let renderer = DocumentRenderer(templates: request.templates)
        do {
            switch (request.receipt, request.certificate) {
            case (let receipt?, nil): return .document(try renderer.receipt(receipt))
            case (nil, let certificate?): return .document(try renderer.certificate(certificate))
            default: return .failure(KioskError(.invalidInput, "a render request holds exactly one of receipt and certificate"))
            }
        } catch let error as KioskError {
            return .failure(error)
        } catch {
            return .failure(KioskError(.printer, "\(error)"))
        }
    }

    /// The child process: stdin to stdout, returns the exit status for kiosk-render's main to exit with.
    /// With `--warm FAMILY…` (`warmArgument`) it first draws a little in those font families,
    /// then waits for its request: kioskd starts it ahead of the document.
    public static func run(arguments: [String] = []) -> Int32 {
        if arguments.first == warmArgument { DocumentRenderer.warmUp(fontFamilies: Array(arguments.dropFirst())) }
        let reply = respond(to: readAll(fd: 0))
        // The parent may have given up (timeout) and closed the pipe: then SIGPIPE ends us, which
        // is all that is left to do anyway.
        return writeAll(reply.bytes, fd: 1) ? reply.status : 1
    }

    static func readAll(fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return bytes
            }
        }
    }

    static func writeAll(_ bytes: [UInt8], fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if !(n < 0 && errno == EINTR) {
                return false
            }
        }
        return true
    }
}
