import Foundation
import KioskCore
import Yams

/// What a technician answers at `kioskctl setup`: the kiosk's identity, its hub and the devices
/// in front of it. Everything else keeps the shipped defaults, so the site file stays short and
/// an upgrade's new defaults reach the kiosk.
public struct SiteAnswers: Sendable, Equatable {
    public var kioskId: String
    public var hall: String?
    public var hubURL: String
    public var caCertificate: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var cardReader: String
    public var psamReader: String
    public var receiptQueue: String
    public var certificateQueue: String
    /// Only for demos and tests (the package's default is /var/lib/kioskd/kiosk.sqlite).
    public var storePath: String?
    /// Only for demos and tests (the package's default is /run/kioskd/control.sock).
    public var controlSocket: String?
    /// Only for demos and tests (the package's default is /usr/share/kioskd).
    public var filesDirectory: String?

    public init(
        kioskId: String, hall: String? = nil, hubURL: String, caCertificate: String? = nil, clientCertificate: String? = nil,
        clientKey: String? = nil, cardReader: String, psamReader: String = "", receiptQueue: String, certificateQueue: String,
        storePath: String? = nil, controlSocket: String? = nil
    ) {
        self.kioskId = kioskId
        self.hall = hall
        self.hubURL = hubURL
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.cardReader = cardReader
        self.psamReader = psamReader
        self.receiptQueue = receiptQueue
        self.certificateQueue = certificateQueue
        self.storePath = storePath
        self.controlSocket = controlSocket
    }

    /// The site file: only the answered keys, each value quoted by Yams (reader names have
    /// spaces, hall names are Chinese).
    public func yaml(writtenOn date: Date = Date()) -> String {
        func line(_ key: String, _ value: String) -> String {
            let quoted = (try? Yams.dump(object: value, width: -1, allowUnicode: true)) ?? "\"\(value)\"\n"
            return "  \(key): \(quoted.trimmingCharacters(in: .newlines))\n"
        }
        var text = "# The site file of kiosk \(kioskId), written by `kioskctl setup` on \(date.formatted(.iso8601.year().month().day())).\n"
        text += "# Run `kioskctl setup` again to change it; every other key keeps the defaults in\n"
        text += "# /usr/share/kioskd/kiosk.yaml.defaults (the schema: the configuration guide in /usr/share/doc/kioskd).\n"
        text += "kiosk:\n" + line("id", kioskId)
        if let hall { text += line("hall", hall) }
        text += "hub:\n" + line("url", hubURL)
        if let caCertificate { text += line("caCertificate", caCertificate) }
        if let clientCertificate { text += line("clientCertificate", clientCertificate) }
        if let clientKey { text += line("clientKey", clientKey) }
        text += "card:\n" + line("reader", cardReader) + line("psamReader", psamReader)
        text += "printers:\n" + line("receipt", receiptQueue) + line("certificate", certificateQueue)
        if let storePath { text += "store:\n" + line("path", storePath) }
        if let controlSocket { text += "control:\n" + line("socket", controlSocket) }
        if let filesDirectory { text += "files:\n" + line("directory", filesDirectory) }
        return text
    }
}
