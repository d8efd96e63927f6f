import KioskCore
import Synchronization
import Testing

@testable import KioskDaemon

@Suite struct IdleHeapTrimTests {
    /// Once per citizen, when the attract screen comes back: not at start, not on the attract
    /// screen's own redraws, not between a session's screens.
    @Test func trimsOnceEachTimeTheKioskReturnsToItsAttractScreen() {
        let trims = Mutex(0)
        let heap = IdleHeapTrim { trims.withLock { $0 += 1 } }
        heap.shown(.attract(guides: true))
        heap.shown(.attract(guides: true))
        #expect(trims.withLock { $0 } == 0)
        heap.shown(.reading)
        heap.shown(.outOfService)
        #expect(trims.withLock { $0 } == 0)
        heap.shown(.attract(guides: false))
        heap.shown(.attract(guides: false))
        #expect(trims.withLock { $0 } == 1)
        heap.shown(.reading)
        heap.shown(.attract(guides: true))
        #expect(trims.withLock { $0 } == 2)
    }
}
