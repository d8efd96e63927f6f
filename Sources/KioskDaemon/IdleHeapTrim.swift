import CSystemShims
import KioskCore
import Synchronization

/// Gives the heap a session freed back to the system when the kiosk returns to its attract
/// screen. glibc keeps freed memory in its arenas (one per thread that allocated), so a kiosk
/// that served a citizen idles a few MB above one that did not, all day; `malloc_trim` once per
/// session, between citizens, costs a millisecond nobody waits for.
final class IdleHeapTrim: Sendable {
    private let wasAttract = Mutex(true)
    private let trim: @Sendable () -> Void

    init(trim: @escaping @Sendable () -> Void = { _ = malloc_trim(0) }) {
        self.trim = trim
    }

    func shown(_ content: ScreenContent) {
        let attract = if case .attract = content { true } else { false }
        let cameBack = wasAttract.withLock { was in
            defer { was = attract }
            return attract && !was
        }
        if cameBack { trim() }
    }
}
