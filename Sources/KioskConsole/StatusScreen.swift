import KioskCore

/// What the status screen shows: the devices and the hub as the daemon last saw them.
/// Not the citizen front: technicians run it as a diagnostics view (`kioskd --status-screen`).
public struct StatusScreen: Sendable, Equatable {
    public enum Check: Sendable, Equatable {
        case ok(String)
        case warning(String)
        case failed(String)
        case unknown
    }

    public var hall: String
    public var kioskId: String
    public var time: String
    public var readers: [ReaderStatus]
    public var readersCheck: Check
    public var printers: [PrinterStatus]
    public var printersCheck: Check
    public var hubURL: String
    public var hubCheck: Check

    public init(
        hall: String, kioskId: String, time: String,
        readers: [ReaderStatus] = [], readersCheck: Check = .unknown,
        printers: [PrinterStatus] = [], printersCheck: Check = .unknown,
        hubURL: String, hubCheck: Check = .unknown
    ) {
        self.hall = hall
        self.kioskId = kioskId
        self.time = time
        self.readers = readers
        self.readersCheck = readersCheck
        self.printers = printers
        self.printersCheck = printersCheck
        self.hubURL = hubURL
        self.hubCheck = hubCheck
    }
}
