/// What the kiosk knows about its devices right now, fed by `.printerStatus`, `.hubStatus` and
/// `.cameraStatus` events. Nothing known yet counts as "cannot": offering a service and then
/// failing at the end wastes an elderly citizen's minutes, sending them to the counter first does not.
public struct DeviceHealth: Sendable, Equatable {
    public var printers: [PrinterRole: PrinterSnapshot] = [:]
    public var hub: HubStatus?
    public var cameraPresent: Bool?
    /// The 2D scanner's port is open; nil on a kiosk without one.
    public var scannerPresent: Bool?

    public init(printers: [PrinterRole: PrinterSnapshot] = [:], hub: HubStatus? = nil, cameraPresent: Bool? = nil) {
        self.printers = printers
        self.hub = hub
        self.cameraPresent = cameraPresent
    }

    public func canPrint(_ role: PrinterRole) -> Bool { printers[role]?.condition.canPrint ?? false }

    /// The first thing that keeps `device` from finishing a service now, or nil.
    public func problem(with device: KioskDevice) -> UnavailableReason? {
        switch device {
        case .receiptPrinter: printerProblem(.receipt)
        case .certificatePrinter: printerProblem(.certificate)
        case .hub: hub == nil ? .hubUnknown : (hub == .down ? .hubDown : nil)
        case .camera: cameraPresent == true ? nil : .noCamera
        }
    }

    private func printerProblem(_ role: PrinterRole) -> UnavailableReason? {
        guard let snapshot = printers[role] else { return .printer(role, nil) }
        return snapshot.condition.canPrint ? nil : .printer(role, snapshot.condition)
    }
}

/// Why a service is shown greyed out. The screen says it with the catalog's alternative
/// ("打印机缺纸，请到人工窗口办理").
public enum UnavailableReason: Sendable, Equatable {
    /// The printer cannot print; nil = its state is not known yet.
    case printer(PrinterRole, PrinterCondition?)
    case hubDown
    case hubUnknown
    case noCamera
    /// The hub could not tell who holds this card, so nothing personal can be looked up.
    case subjectUnknown
    /// The kiosk could not read the holder from a generation-3 card (its PSAM failed): the card is
    /// fine, and the counter or another kiosk can serve the citizen.
    case cardDataUnreadable
    case pinBlocked
    /// The citizen showed the electronic social security card: this service needs the card
    /// itself (its PIN, or what only the chip holds).
    case needsCard
    /// The hub says the card is lost, suspended or cancelled.
    case cardNotActive(String)
    case maintenance
}

public enum ServiceAvailability: Sendable, Equatable {
    case available
    case unavailable(UnavailableReason)

    public var isAvailable: Bool { self == .available }
}

extension DeviceHealth {
    /// Whether `service` can be finished now for this session's card.
    public func availability(of service: ServiceDefinition, subject: HubSubject?, pinBlocked: Bool) -> ServiceAvailability {
        for device in service.needs {
            if let problem = problem(with: device) { return .unavailable(problem) }
        }
        guard service.id != .serviceGuides else { return .available }
        guard subject != nil else { return .unavailable(.subjectUnknown) }
        if let status = subject?.cardStatus, status != "active", service.id != .cardStatus { return .unavailable(.cardNotActive(status)) }
        if service.pinRequired && pinBlocked { return .unavailable(.pinBlocked) }
        return .available
    }
}
