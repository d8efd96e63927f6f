import Foundation
import KioskConfig
import KioskControl
import KioskCore

/// What the control socket and the citizen front share across configuration swaps: maintenance
/// mode, whether the kiosk is between citizens right now, and the front's event queue (so a
/// technician's "maintenance on" reaches the session engine of whichever front is running).
public actor KioskControlState {
    public private(set) var maintenance = MaintenanceState(on: false)
    /// True on the attract screen with no card and nothing in flight (and while no front runs).
    public private(set) var idle = true
    /// True while the supervisor swaps configurations: the front's stop is not the daemon's stop.
    public private(set) var swapping = false
    /// The configuration the kiosk runs (for `kioskctl config status` and the heartbeat).
    public private(set) var config = ConfigStatus(version: 0, highWaterMark: 0, hubURL: "", pollSeconds: 0)
    /// The hub's ETag of the last bundle pulled, kept across fronts so a refused bundle is not
    /// fetched and refused again after every swap.
    public private(set) var lastETag: String?
    /// The effective configuration of the running front (diagnostics check what the kiosk uses).
    public private(set) var configuration: KioskConfiguration?
    /// The store, once the supervisor has opened it (journal and history for the control socket).
    public private(set) var store: (any RecordStore)?
    /// Where maintenance mode is kept across restarts (next to the store): a kiosk a technician
    /// has opened up must not start serving citizens because kioskd restarted.
    private var maintenanceFile: URL?
    private var events: AsyncStream<SessionEvent>.Continuation?

    public init() {}

    /// A citizen front starts: it gets the current maintenance state at once.
    public func attach(_ continuation: AsyncStream<SessionEvent>.Continuation) {
        events = continuation
        continuation.yield(.maintenance(maintenance.on))
    }

    public func detach() {
        events = nil
        reportIdle(true)
    }

    /// Switches at once, then keeps the new state for restarts (synced: a power cut right after
    /// "maintenance on" must not bring the kiosk back in service); throws, switched all the same,
    /// when it cannot be kept.
    public func setMaintenance(on: Bool, reason: String?, uid: UInt32?) throws {
        maintenance = MaintenanceState(on: on, reason: on ? reason : nil, since: Date(), uid: uid)
        events?.yield(.maintenance(on))
        guard let maintenanceFile else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do { try DurableFile.replace(maintenanceFile.path, with: try encoder.encode(maintenance)) } catch {
            throw KioskError(.store, "it is not kept across a restart of kioskd (\(maintenanceFile.path): \(error))")
        }
    }

    /// At start: the maintenance mode kept in `file`, kept there from now on. No file: in
    /// service. A file that cannot be read: out of service, since a technician may have the kiosk
    /// open; `kioskctl maintenance off` ends it. Returns the state restored when it is on.
    public func restoreMaintenance(from file: URL) -> MaintenanceState? {
        maintenanceFile = file
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let kept =
            (try? decoder.decode(MaintenanceState.self, from: data))
            ?? MaintenanceState(on: true, reason: "the kept maintenance state (\(file.path)) could not be read", since: Date())
        guard kept.on else { return nil }
        maintenance = kept
        events?.yield(.maintenance(true))
        return kept
    }

    public func reportIdle(_ idle: Bool) { self.idle = idle }

    public func setSwapping(_ on: Bool) { swapping = on }

    public func setConfig(_ status: ConfigStatus, configuration: KioskConfiguration) {
        let lastPull = config.lastPull
        config = status
        config.lastPull = status.lastPull ?? lastPull
        self.configuration = configuration
    }

    public func setStore(_ store: any RecordStore) { self.store = store }

    public func notePull(etag: String?) {
        lastETag = etag
        stampPull()
    }

    private func stampPull() { config.lastPull = ISO8601DateFormatter().string(from: Date()) }

    /// A hub bundle is with the supervisor (which may wait up to 90 s for a pause between
    /// citizens): the poller asks for nothing more until it is answered.
    public private(set) var hubBundlePending = false

    public func hubBundleSubmitted() {
        hubBundlePending = true
        stampPull()
    }

    /// The supervisor's answer to a hub bundle. Its ETag is kept (the hub then answers 304)
    /// unless the refusal was for a passing reason: then the next poll fetches it again.
    public func hubBundleAnswered(etag: String?, retryLater: Bool) {
        hubBundlePending = false
        if !retryLater { lastETag = etag }
    }
}
