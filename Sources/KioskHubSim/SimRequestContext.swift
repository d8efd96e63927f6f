import Hummingbird
import Logging
import NIOCore

/// The simulator's request context: the basics plus the connection's channel, so the
/// "dropped connection" scenario can close it mid-request like a failing network does.
struct SimRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The hub reads bodies up to 16 MB (journal batches); the kiosk never needs more.
    var maxUploadSize: Int { 16 * 1024 * 1024 }
}
