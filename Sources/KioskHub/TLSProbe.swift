import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SwiftASN1
import X509

/// Opens one TLS connection to the hub to see what it presents: protocol version, the
/// certificate's subject and expiry. Uses the client's own trust settings, so a hub with a
/// certificate from another CA fails here exactly as it would for real calls.
enum TLSProbe {
    struct Result: Sendable, Codable, Equatable {
        var protocolVersion: String
        var subject: String
        var notValidAfter: String
    }

    static func run(host: String, port: Int, configuration: HubClientConfiguration, timeout: Duration) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = configuration.trustedCAPath { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        if let cert = configuration.clientCertificatePath, let key = configuration.clientKeyPath {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        let context = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ssl = try NIOSSLClientHandler(context: context, serverHostname: host.first?.isNumber == true ? nil : host)
                    try channel.pipeline.syncOperations.addHandler(ssl)
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
                }
            }
            .connect(host: host, port: port).get()
        defer { channel.close(promise: nil) }
        try await handshake.futureResult.get()
        let version = try await channel.nioSSL_tlsVersion().get()
        guard let peer = try await channel.nioSSL_peerCertificate().get() else {
            throw TLSProbeError(message: "the hub presented no certificate")
        }
        let parsed = try Certificate(derEncoded: try peer.toDERBytes())
        return Result(
            protocolVersion: version.map { "\($0)" } ?? "unknown", subject: "\(parsed.subject)",
            notValidAfter: parsed.notValidAfter.formatted(.iso8601))
    }
}

struct TLSProbeError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Completes the promise when the TLS handshake is done, or fails it with the handshake error.
private final class HandshakeWatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TLSProbeError(message: "the connection closed during the TLS handshake"))
        context.fireChannelInactive()
    }
}
