import Foundation
import KioskConfig
import KioskCore

// The control socket's wire types: what kioskd answers and kioskctl reads. Both sides link this
// module; only kioskd links the routes (KioskControlServer).

/// `GET /v1/status` on the control socket.
public struct KioskStatusAnswer: Codable, Sendable {
    public var kioskId: String
    public var softwareVersion: String
    public var maintenance: MaintenanceState
    public var idle: Bool
    public var config: ConfigStatus

    public init(kioskId: String, softwareVersion: String, maintenance: MaintenanceState, idle: Bool, config: ConfigStatus) {
        self.kioskId = kioskId
        self.softwareVersion = softwareVersion
        self.maintenance = maintenance
        self.idle = idle
        self.config = config
    }
}

/// Maintenance mode as the control socket reports it and kioskd keeps it across restarts.
public struct MaintenanceState: Codable, Sendable, Equatable {
    public var on: Bool
    public var reason: String?
    public var since: Date?
    /// Who switched it (peer uid from the control socket).
    public var uid: UInt32?

    public init(on: Bool, reason: String? = nil, since: Date? = nil, uid: UInt32? = nil) {
        self.on = on
        self.reason = reason
        self.since = since
        self.uid = uid
    }
}

/// `POST /v1/maintenance`.
public struct MaintenanceRequest: Codable, Sendable {
    public var on: Bool
    public var reason: String?

    public init(on: Bool, reason: String?) {
        self.on = on
        self.reason = reason
    }
}

/// The control socket's error body.
public struct ControlProblem: Codable, Sendable {
    public var status: Int
    public var detail: String
    public init(status: Int, detail: String) {
        self.status = status
        self.detail = detail
    }
}

extension JSONDecoder {
    public static var control: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension JSONEncoder {
    public static var control: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
