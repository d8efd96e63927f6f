import KioskCore

/// The peers one citizen front runs on, built once from the configuration by the composition
/// root (`KioskApp`): each one a KioskCore port, so the runner and the services are tested with
/// the fakes of KioskTesting as well as with the real adapters.
struct KioskEnvironment: Sendable {
    let configuration: KioskConfiguration
    let store: any RecordStore
    /// The kiosk's own key for journal subjectRefs (docs/journal.md).
    let subjectKey: any SubjectRefKey
    let hub: any HubClient
    let printers: [PrinterRole: any KioskPrinter]
    let renderer: any DocumentRendering
    let cardSlot: any CardSlot
    let camera: (any FaceCamera)?
    let clock: any KioskClock
    /// Receipt/certificate media per role (from the print templates).
    let media: [PrinterRole: [String]]
    /// Counters fed from the journal entries the session runner stores.
    let metrics: KioskMetrics
    /// The 2D scanner for the electronic social security card; nil on a kiosk without one.
    var scanner: (any CodeScanner)?
    /// Told, in order, each time the scanner's port opens (true) or goes away (false): the
    /// device monitor's only source for the scanner, since a poll misses a cable pulled and
    /// put back between two polls.
    var scannerPort: @Sendable (Bool) async -> Void = { _ in }
    /// The voice (`voice.enabled`); nil: the kiosk is silent but for the terminal's bell.
    var voice: (any VoiceOutput)?
    /// The paper of the other languages a citizen may choose, by locale.
    var localizedRenderers: [String: any DocumentRendering] = [:]
}
