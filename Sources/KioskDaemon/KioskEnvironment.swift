import Foundation
import KioskCard
import KioskCore
import KioskHub
import KioskPrint
import KioskStore

/// The adapters one kiosk runs on, built once from the configuration: the store, the hub, the
/// two printers, the document renderer, the card slot and the camera. The session runner only
/// sees them through their Core protocols, except where a device needs its concrete adapter.
struct KioskEnvironment: Sendable {
    let configuration: KioskConfiguration
    let store: KioskStore
    /// The kiosk's own key for journal subjectRefs (HMAC of the SSN; see docs/journal.md).
    let subjectKey: SubjectKey
    let hub: HTTPHubClient
    let printers: [PrinterRole: any KioskPrinter]
    let renderer: any DocumentRendering
    let cardReader: PCSCCardReader
    let camera: (any FaceCamera)?
    /// Receipt/certificate media per role (from the print templates).
    let media: [PrinterRole: [String]]
    /// Counters fed from the journal entries the session runner stores (issue 8).
    let metrics: KioskMetrics
}
