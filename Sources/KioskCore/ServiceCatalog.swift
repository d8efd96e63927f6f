import Foundation

/// A service the session engine knows how to run. The catalog (kiosk-config/services.json)
/// orders, enables and describes them; it cannot invent new ones, because each one is a flow
/// written in `SessionMachine+Services.swift`.
public struct ServiceID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let participationCertificate = ServiceID("participation-certificate")
    public static let contributionHistory = ServiceID("contribution-history")
    public static let pensionPayments = ServiceID("pension-payments")
    public static let pensionQualification = ServiceID("pension-qualification")
    public static let cardStatus = ServiceID("card-status")
    public static let serviceGuides = ServiceID("service-guides")

    /// Every service the engine has a flow for.
    public static let known: [ServiceID] = [
        .participationCertificate, .contributionHistory, .pensionPayments, .pensionQualification, .cardStatus, .serviceGuides,
    ]

    public var description: String { rawValue }
}

/// Something a service needs to be finished now, not only started.
public enum KioskDevice: String, Sendable, Hashable, Codable, CaseIterable {
    case receiptPrinter = "receipt-printer"
    case certificatePrinter = "certificate-printer"
    case hub
    case camera
}

/// The two printers by what they print.
public enum PrinterRole: String, Sendable, Hashable, Codable, CaseIterable {
    case receipt
    case certificate
}

/// One entry of the catalog.
public struct ServiceDefinition: Sendable, Equatable, Codable {
    public var id: ServiceID
    /// Menu position; the menu numbers enabled services 1, 2, 3… in this order.
    public var order: Int
    public var enabled: Bool
    /// Locale key of the menu title ("service.participation-certificate").
    public var titleKey: String
    /// Locale key of what to do instead when the service cannot be offered now.
    public var alternativeKey: String
    /// Devices without which the service cannot be finished.
    public var needs: [KioskDevice]
    /// Asked for the card PIN before the service starts (once per session).
    public var pinRequired: Bool
    /// Offered to a citizen who shows the electronic social security card (电子社保卡) instead
    /// of the card. Off unless the catalog says so; never with `pinRequired` (no card, no PIN).
    public var essc: Bool

    public init(
        id: ServiceID, order: Int, enabled: Bool = true, titleKey: String? = nil, alternativeKey: String = "alt.counter",
        needs: [KioskDevice], pinRequired: Bool = false, essc: Bool = false
    ) {
        self.id = id
        self.order = order
        self.enabled = enabled
        self.titleKey = titleKey ?? "service.\(id.rawValue)"
        self.alternativeKey = alternativeKey
        self.needs = needs
        self.pinRequired = pinRequired
        self.essc = essc
    }
}

/// The menu: which services this kiosk offers, in which order, needing what.
public struct ServiceCatalog: Sendable, Equatable, Codable {
    public var services: [ServiceDefinition]

    /// Validates: known ids only, no duplicates. Sorted by `order`.
    public init(services: [ServiceDefinition]) throws {
        var seen = Set<ServiceID>()
        for s in services {
            guard ServiceID.known.contains(s.id) else {
                throw KioskError(.configuration, "services: unknown service '\(s.id)'; known: \(ServiceID.known.map(\.rawValue))")
            }
            guard seen.insert(s.id).inserted else { throw KioskError(.configuration, "services: '\(s.id)' listed twice") }
            guard !(s.essc && s.pinRequired) else {
                throw KioskError(
                    .configuration,
                    "services: '\(s.id)' cannot be offered to the electronic social security card (essc: true) and ask for the card's PIN (pinRequired: true)"
                )
            }
        }
        self.services = services.sorted { ($0.order, $0.id.rawValue) < ($1.order, $1.id.rawValue) }
    }

    /// Decodes kiosk-config/services.json.
    public init(jsonData: Data) throws {
        struct File: Decodable { var services: [ServiceDefinition] }
        do {
            try self.init(services: try JSONDecoder().decode(File.self, from: jsonData).services)
        } catch let error as KioskError {
            throw error
        } catch {
            throw KioskError(.configuration, "services.json: \(error)")
        }
    }

    /// Enabled services in menu order.
    public var enabled: [ServiceDefinition] { services.filter(\.enabled) }

    public func definition(_ id: ServiceID) -> ServiceDefinition? { services.first { $0.id == id } }

    /// The catalog kiosk-config/services.json ships, for tests and as a fallback.
    public static let standard = try! ServiceCatalog(services: [
        ServiceDefinition(id: .participationCertificate, order: 1, needs: [.hub, .certificatePrinter], essc: true),
        ServiceDefinition(id: .contributionHistory, order: 2, needs: [.hub], essc: true),
        ServiceDefinition(id: .pensionPayments, order: 3, needs: [.hub], pinRequired: true),
        ServiceDefinition(id: .pensionQualification, order: 4, needs: [.hub, .camera], essc: true),
        // The card's own state (its number, its expiry) is on the chip: not for a scanned code.
        ServiceDefinition(id: .cardStatus, order: 5, needs: [.hub]),
        ServiceDefinition(id: .serviceGuides, order: 6, needs: [], essc: true),
    ])
}

extension ServiceDefinition {
    public init(from decoder: any Decoder) throws {
        enum K: String, CodingKey { case id, order, enabled, titleKey, alternativeKey, needs, pinRequired, essc }
        let c = try decoder.container(keyedBy: K.self)
        let id = try c.decode(ServiceID.self, forKey: .id)
        self.init(
            id: id, order: try c.decode(Int.self, forKey: .order), enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            titleKey: try c.decodeIfPresent(String.self, forKey: .titleKey),
            alternativeKey: try c.decodeIfPresent(String.self, forKey: .alternativeKey) ?? "alt.counter",
            needs: try c.decodeIfPresent([KioskDevice].self, forKey: .needs) ?? [],
            pinRequired: try c.decodeIfPresent(Bool.self, forKey: .pinRequired) ?? false,
            essc: try c.decodeIfPresent(Bool.self, forKey: .essc) ?? false)
    }
}
