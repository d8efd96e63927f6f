import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A measuring instrument, not a client: NIO's HTTP/1.1 codec on one kept connection, one GET at
/// a time, with none of a client's work (no TLS, pool, timeouts, retries, decoding). What it
/// costs is the floor for any Swift client that awaits an answer from an event loop, so the
/// benchmark can show how much of the gap to curl is the library's and how much is the hand-off.
final class BareHTTP1Connection: Sendable {
    private final class Answer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        // Touched only on the channel's loop.
        var promise: EventLoopPromise<Void>?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = unwrapInboundIn(data) {
                let promise = self.promise
                self.promise = nil
                promise?.succeed()
            }
        }
    }

    let loop: any EventLoop
    private let channel: any Channel
    private let answer: Answer
    private let head: HTTPRequestHead

    init(host: String, port: Int, path: String) async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let answer = Answer()
        channel = try await ClientBootstrap(group: loop).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(answer)
            }
        }.connect(host: host, port: port).get()
        self.loop = loop
        self.answer = answer
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "X-Kiosk-Id", value: "KIOSK-BENCH-0001")
        head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
    }

    /// One request, awaited until its answer's end arrived.
    func get() async throws {
        let (channel, answer, head) = (self.channel, self.answer, self.head)
        try await loop.flatSubmit {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            answer.promise = promise
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }.get()
    }

    func close() async throws { try await channel.close() }
}
