import KioskPrint
import ServiceLifecycle

/// Keeps one render child started ahead of the next document for the daemon's lifetime, from
/// the start (the first citizen's paper is as quick as the next) to graceful shutdown, when the
/// waiting child is let go. Put it before the citizen front: the group stops services in
/// reverse order, so a document still being printed at shutdown is done first.
struct RenderChildLifetime: Service {
    let children: WarmRenderChildren

    func run() async throws {
        children.refill()
        try? await gracefulShutdown()
        children.stop()
    }
}
