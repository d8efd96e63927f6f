import Hummingbird
import KioskCore
import Logging
import NIOCore

/// The request context of the metrics endpoint: the peer's address, for the allow list.
struct ScrapeContext: RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// 403 for a scrape from outside `metrics.allow` (and loopback); said once per address in the
/// log, so a scanner on the hall network does not fill it.
struct ScrapeAllowMiddleware: RouterMiddleware {
    typealias Context = ScrapeContext
    let allowed: [IPNetwork]
    let logger: Logger
    private let refused = RefusedPeers()

    init(allowed: [IPNetwork], logger: Logger) {
        self.allowed = allowed
        self.logger = logger
    }

    func handle(_ request: Request, context: ScrapeContext, next: (Request, ScrapeContext) async throws -> Response) async throws
        -> Response
    {
        let address = context.remoteAddress?.ipAddress
        if let address, allowed.contains(where: { $0.contains(address) }) {
            return try await next(request, context)
        }
        if await refused.isNew(address ?? "unknown") {
            logger.warning("metrics: a scrape from \(address ?? "an unknown address") was refused (not in metrics.allow)")
        }
        return Response(
            status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "forbidden: not in metrics.allow\n")))
    }
}

/// The addresses already said in the log, at most a few hundred.
actor RefusedPeers {
    private var seen: Set<String> = []
    func isNew(_ address: String) -> Bool {
        guard seen.count < 256 else { return false }
        return seen.insert(address).inserted
    }
}
