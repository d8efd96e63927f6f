import CSystemShims
import Foundation
import Hummingbird
import KioskCore
import KioskDiagnostics
import Logging
import NIOCore
import ServiceLifecycle

/// kioskd's control socket: HTTP/JSON on a Unix socket for kioskctl. The kernel tells who is
/// calling (SO_PEERCRED); each route names the duties it needs (PeerIdentity). The socket is
/// open to every local user on purpose, so that a caller in the wrong group gets a plain answer
/// rather than "permission denied".
public struct ControlSocketService: Service {
    let settings: ControlServerSettings
    let control: KioskControlState
    let desk: ConfigDesk
    let logger: Logger

    public init(settings: ControlServerSettings, control: KioskControlState, desk: ConfigDesk, logger: Logger) {
        self.settings = settings
        self.control = control
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        let path = settings.site.control.socket
        do {
            try prepare(path)
        } catch {
            // Technicians lose the socket, citizens keep their kiosk.
            logger.error("control socket not started: \(error)")
            try? await gracefulShutdown()
            return
        }
        let router = Router(context: ControlRequestContext.self)
        ControlRoutes<ControlRequestContext>(settings: settings, control: control, desk: desk, logger: logger).add(to: router)
        let app = Application(
            router: router, configuration: .init(address: .unixDomainSocket(path: path), serverName: "kioskd"),
            onServerRunning: { _ in chmod(path, 0o666) }, logger: logger)
        do {
            try await app.run()
        } catch {
            logger.error("control socket stopped: \(error)")
            try? await gracefulShutdown()
        }
        unlink(path)
    }

    /// The folder exists (0755), and a socket left by a killed kioskd is removed; any other
    /// file at that path is left alone and refused.
    private func prepare(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType {
            guard type == .typeSocket else {
                throw KioskError(.configuration, "control.socket \(path) exists and is not a socket")
            }
            unlink(path)
        }
    }
}

/// A request context that knows who is calling.
public protocol PeerIdentifyingContext: RequestContext {
    func peer() async throws -> PeerIdentity
}

/// kioskd's request context: the basics plus the connection, for its peer credentials.
public struct ControlRequestContext: PeerIdentifyingContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bundles are the largest bodies (refused above 16 MB by the verifier too).
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    public func peer() async throws -> PeerIdentity {
        guard let provider = channel as? any SocketOptionProvider else {
            throw KioskError(.invalidInput, "the control socket cannot tell who is calling")
        }
        let credentials: kiosk_peer_credentials = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(kiosk_so_peercred)
        ).get()
        return PeerIdentity(credentials)
    }
}
