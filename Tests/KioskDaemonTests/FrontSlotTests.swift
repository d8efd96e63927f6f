import Foundation
import KioskControlServer
import KioskCore
import KioskTesting
import Logging
import Synchronization
import Testing

@testable import KioskDaemon

/// The running generation: a swap waits for a pause between citizens, gives up after its wait
/// with nothing changed, and marks the kiosk as swapping while the old front stops.
@Suite(.timeLimit(.minutes(1))) struct FrontSlotTests {
    /// Counts the fronts it starts; each is an empty generation.
    final class Starts: Sendable {
        let configurations = Mutex<[KioskConfiguration]>([])
        var factory: FrontFactory<InMemoryRecordStore> {
            FrontFactory(
                start: { configuration, _ in
                    self.configurations.withLock { $0.append(configuration) }
                    return KioskFront(configuration: configuration, group: nil, hub: nil, outOfService: nil, logger: Logger(label: "test"))
                },
                outOfService: { reason, configuration in
                    KioskFront(configuration: configuration, group: nil, hub: nil, outOfService: reason, logger: Logger(label: "test"))
                })
        }
    }

    static func configuration(idle seconds: Double) -> KioskConfiguration {
        var configuration = KioskConfiguration()
        configuration.session.idleSeconds = seconds
        return configuration
    }

    @Test func aKioskBetweenCitizensSwapsAtOnce() async throws {
        let starts = Starts()
        let control = KioskControlState()
        let slot = FrontSlot(
            starting: Self.configuration(idle: 60), factory: starts.factory, store: InMemoryRecordStore(), control: control)
        #expect(await slot.waitForPause() == nil)
        await slot.swap(to: Self.configuration(idle: 90))
        #expect(starts.configurations.withLock { $0.map(\.session.idleSeconds) } == [60, 90])
        #expect(await !control.swapping)
    }

    @Test func aKioskThatStaysBusyIsRefusedAfterTheWaitAndKeepsItsFront() async throws {
        let starts = Starts()
        let control = KioskControlState()
        await control.reportIdle(false)
        let slot = FrontSlot(
            starting: Self.configuration(idle: 60), factory: starts.factory, store: InMemoryRecordStore(), control: control,
            pauseWait: .milliseconds(300))
        let started = ContinuousClock.now
        let busy = try #require(await slot.waitForPause())
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(busy.contains("has not been between citizens") && busy.contains("nothing was changed"))
        #expect(starts.configurations.withLock { $0.count } == 1)
    }

    @Test func aPauseThatComesInTimeLetsTheSwapGoOn() async throws {
        let control = KioskControlState()
        await control.reportIdle(false)
        let slot = FrontSlot(
            starting: Self.configuration(idle: 60), factory: Starts().factory, store: InMemoryRecordStore(), control: control,
            pauseWait: .seconds(10))
        Task {
            try await Task.sleep(for: .milliseconds(300))
            await control.reportIdle(true)
        }
        #expect(await slot.waitForPause() == nil)
    }
}
