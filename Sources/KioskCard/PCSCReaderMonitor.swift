import Foundation
import KioskCore

/// Readers and cards coming and going, as an AsyncStream, from SCardGetStatusChange on a thread
/// of its own (the wait blocks; it must never sit on the cooperative pool).
///
/// docs/pitfalls.md rules kept here: the watching context serves the wait and nothing else (reader
/// lists come from a second context on the same thread); waits are finite (1 s) with a cancelled
/// flag, because an SCardCancel that arrives before the wait starts is lost; SCardCancel is the
/// only call another thread makes on the watching context. When pcscd goes away the stream says
/// so, and every reader is new when it returns: all card state is dropped.
public enum PCSCReaderMonitor {
    public static func events(waitMs: UInt = 1000, retryMs: UInt = 500) -> AsyncStream<CardEvent> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let control = MonitorControl()
            continuation.onTermination = { _ in control.cancel() }
            MonitorThreads.shared.started()
            let thread = Thread {
                MonitorLoop(control: control, emit: { continuation.yield($0) }, waitMs: waitMs, retryMs: retryMs).run()
                continuation.finish()
                MonitorThreads.shared.finished()
            }
            thread.name = "kioskd.pcsc.monitor"
            thread.start()
        }
    }
}

extension PCSCReaderMonitor {
    /// Waits (up to `limit`) until every monitor thread has left pcsc-lite. A process must not
    /// exit while one is inside the library: exit() runs pcsc-lite's destructors under it and
    /// the thread crashes on freed state (seen as SIGSEGV in libpcsclite at the end of a read).
    public static func waitUntilStopped(limit: Duration = .seconds(3)) async {
        let deadline = ContinuousClock.now + limit
        while MonitorThreads.shared.running > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// How many monitor threads are inside pcsc-lite now.
final class MonitorThreads: @unchecked Sendable {
    static let shared = MonitorThreads()
    private let lock = NSLock()
    private var count = 0

    var running: Int { lock.withLock { count } }
    func started() { lock.withLock { count += 1 } }
    func finished() { lock.withLock { count -= 1 } }
}

/// The cancelled flag and the context being waited on, shared between the monitor thread and
/// whoever cancels.
final class MonitorControl: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var waiting: Int?

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() {
        lock.withLock {
            cancelled = true
            if let waiting { PCSCContext.cancel(waiting) }
        }
    }

    /// Registers (or clears) the watching context; releasing it waits for a running cancel.
    func setWaiting(_ context: Int?) {
        lock.withLock { waiting = context }
    }
}

struct MonitorLoop {
    let control: MonitorControl
    let emit: (CardEvent) -> Void
    let waitMs: UInt
    let retryMs: UInt

    private struct Known {
        var eventState: UInt = 0
        var present = false
    }

    func run() {
        var serviceUp: Bool?
        var known: [String: Known] = [:]
        while !control.isCancelled {
            let watcher: PCSCContext
            let lister: PCSCContext
            do {
                watcher = try PCSCContext()
                lister = try PCSCContext()
            } catch {
                if serviceUp != false {
                    dropAll(&known)
                    emit(.serviceUnavailable(error.message))
                    serviceUp = false
                }
                sleep(ms: retryMs)
                continue
            }
            if serviceUp == false { emit(.serviceRestored) }
            serviceUp = true
            control.setWaiting(watcher.handle)
            let lost = watch(watcher: watcher, lister: lister, known: &known)
            control.setWaiting(nil)
            if let lost, !control.isCancelled {
                dropAll(&known)
                emit(.serviceUnavailable(lost.message))
                serviceUp = false
            } else if !control.isCancelled {
                // The listing failed some other way: new contexts, but not in a tight loop that
                // would keep a core of a two-core kiosk busy talking to pcscd.
                sleep(ms: retryMs)
            }
        }
    }

    /// Waits for changes until cancelled (nil) or pcscd is lost (the error).
    private func watch(watcher: PCSCContext, lister: PCSCContext, known: inout [String: Known]) -> KioskError? {
        var pnpState: UInt = 0
        var needList = true
        while !control.isCancelled {
            if needList {
                let names: [String]
                do { names = try lister.readerNames() } catch { return error.code == .pcscUnavailable ? error : nil }
                sync(readers: names, known: &known)
                needList = false
            }
            let names = known.keys.sorted()
            let query = [(pnpNotificationReader, pnpState)] + names.map { ($0, known[$0]!.eventState) }
            let states: [PCSCContext.ReaderState]?
            do {
                states = try watcher.statusChange(query, timeoutMs: waitMs)
            } catch {
                switch error.code {
                case .pcscUnavailable: return error
                case .readerUnavailable: needList = true; continue
                default:
                    // Cancelled, or a handle invalidated at the moment of a timeout: look again.
                    if control.isCancelled { return nil }
                    needList = true
                    sleep(ms: 50)
                    continue
                }
            }
            guard let states else { continue }  // timeout: nothing changed
            for state in states {
                if state.name == pnpNotificationReader {
                    if state.flags.contains(.changed) { needList = true }
                    pnpState = state.eventState
                    continue
                }
                guard var entry = known[state.name] else { continue }
                if state.flags.contains(.unknown) || state.flags.contains(.unavailable) {
                    needList = true
                    continue
                }
                let present = state.flags.contains(.present)
                if present && !entry.present { emit(.cardInserted(reader: state.name, atr: state.atr)) }
                if !present && entry.present { emit(.cardRemoved(reader: state.name)) }
                entry.present = present
                entry.eventState = state.eventState
                known[state.name] = entry
            }
        }
        return nil
    }

    private func sync(readers names: [String], known: inout [String: Known]) {
        for gone in known.keys.sorted() where !names.contains(gone) {
            if known[gone]!.present { emit(.cardRemoved(reader: gone)) }
            emit(.readerRemoved(gone))
            known[gone] = nil
        }
        for name in names where known[name] == nil {
            known[name] = Known()
            emit(.readerAdded(name))
        }
    }

    private func dropAll(_ known: inout [String: Known]) {
        for name in known.keys.sorted() {
            if known[name]!.present { emit(.cardRemoved(reader: name)) }
            emit(.readerRemoved(name))
        }
        known = [:]
    }

    private func sleep(ms: UInt) {
        var left = ms
        while left > 0 && !control.isCancelled {
            let step = min(left, 100)
            usleep(UInt32(step * 1000))
            left -= step
        }
    }
}
