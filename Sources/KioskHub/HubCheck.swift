import Foundation
import KioskCore

/// `kioskctl hub check`: is the configured hub usable by this kiosk right now? One verdict per
/// part — reachable (with latency), TLS (protocol, the hub's certificate), clock skew, kiosk
/// identity accepted — and an overall pass only when every part passes.
public struct HubCheckReport: Sendable, Codable, Equatable {
    public struct TLS: Sendable, Codable, Equatable {
        public var protocolVersion: String
        public var subject: String
        public var notValidAfter: String
    }

    public var baseURL: String
    public var reachable: Bool
    public var latencyMs: Double?
    public var tls: TLS?
    public var tlsError: String?
    public var clockSkewSeconds: Double?
    public var identityAccepted: Bool?
    public var problems: [String]
    public var passed: Bool { problems.isEmpty }

    /// The skew beyond which signatures and certificate checks start to fail.
    public static let maxSkewSeconds = 30.0
}

extension HTTPHubClient {
    public func check() async -> HubCheckReport {
        var report = HubCheckReport(baseURL: configuration.baseURL, reachable: false, problems: [])
        do {
            let health = try await health()
            report.reachable = true
            report.latencyMs = (health.latencyMs * 10).rounded() / 10
            if let hubTime = try? Date(health.time, strategy: .iso8601) {
                let skew = Date.now.timeIntervalSince(hubTime)
                report.clockSkewSeconds = (skew * 10).rounded() / 10
                if abs(skew) > HubCheckReport.maxSkewSeconds {
                    report.problems.append("the kiosk's clock is \(Int(skew)) s off the hub's; set the time (NTP)")
                }
            } else {
                report.problems.append("the hub's time '\(health.time)' is not RFC 3339")
            }
        } catch {
            report.problems.append("not reachable: \((error as? KioskError)?.message ?? "\(error)")")
        }
        if let url = URL(string: configuration.baseURL), url.scheme == "https", let host = url.host {
            do {
                let r = try await TLSProbe.run(
                    host: host, port: url.port ?? 443, configuration: configuration, timeout: configuration.connectTimeout)
                report.tls = .init(protocolVersion: r.protocolVersion, subject: r.subject, notValidAfter: r.notValidAfter)
            } catch {
                report.tlsError = "\(error)"
                report.problems.append("TLS failed: \(error)")
            }
        } else {
            report.problems.append("the hub URL is not HTTPS: fine on loopback for tests, never in a hall")
            if URL(string: configuration.baseURL)?.host.map({ ["127.0.0.1", "localhost", "::1"].contains($0) }) == true {
                report.problems.removeLast()
            }
        }
        if report.reachable {
            do {
                _ = try await kioskConfig(etag: nil)
                report.identityAccepted = true
            } catch let problem as HubProblem where problem.status == 401 || problem.status == 403 {
                report.identityAccepted = false
                report.problems.append("the hub refuses this kiosk's identity (\(problem.code)): check kiosk.id and the client certificate")
            } catch {
                report.identityAccepted = false
                report.problems.append("identity check failed: \(error)")
            }
        }
        return report
    }
}
