import AsyncHTTPClient
import Foundation
import KioskCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// kioskctl's side of the control socket: one HTTP/JSON request over the Unix socket. The daemon
/// knows the caller by the socket's peer credentials, so nothing here carries an identity.
public struct ControlClient: Sendable {
    public let socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    /// Sends one request; any answer (also 4xx/5xx) comes back as status and body. Only a
    /// daemon that cannot be reached throws (KioskError .invalidInput is never used here).
    public func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw KioskError(.invalidInput, "kioskd is not running here (no control socket at \(socketPath))")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw KioskError(.invalidInput, "control socket path \(socketPath) cannot be used")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            return (Int(response.status.code), Data(buffer: bytes))
        } catch let error as KioskError {
            throw error
        } catch {
            throw KioskError(.invalidInput, "kioskd's control socket \(socketPath) did not answer: \(error)")
        }
    }

    /// The daemon's answer decoded, or its refusal as a KioskError with the daemon's own words.
    public func json<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: Data? = nil) async throws -> T {
        let (status, data) = try await request(method, path, body: body)
        guard (200..<300).contains(status) else { throw ControlClient.refusal(status: status, body: data) }
        do {
            return try JSONDecoder.control.decode(T.self, from: data)
        } catch {
            throw KioskError(.invalidInput, "kioskd answered something kioskctl cannot read: \(error)")
        }
    }

    static func refusal(status: Int, body: Data) -> KioskError {
        let message =
            (try? JSONDecoder().decode(ControlProblem.self, from: body))?.detail ?? String(decoding: body.prefix(500), as: UTF8.self)
        return KioskError(.invalidInput, "kioskd refused (\(status)): \(message)")
    }
}
