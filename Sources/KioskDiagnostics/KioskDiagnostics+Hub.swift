import Foundation
import KioskCore
import KioskHub
import Logging

extension KioskDiagnostics {
    /// The hub step by step: the name resolves, a TCP connection opens, then the hub check
    /// (HTTP health, TLS, clock skew, identity). Each step that fails ends the chain: the later
    /// ones could only repeat it.
    ///
    /// Actors: a name that does not resolve is first the site's network (cable, router, DNS
    /// settings), which the technician checks; a hub that resolves but does not accept
    /// connections or answer is down or blocked at the centre, which only operations can fix; a
    /// refused identity or certificate is the centre's registration; the clock is the kiosk's.
    static func hubChecks(_ configuration: KioskConfiguration) async -> [DiagnosticResult] {
        guard let url = URL(string: configuration.hub.url), let scheme = url.scheme, let host = url.host, !host.isEmpty else {
            return [
                DiagnosticResult(
                    check: "hub", verdict: .fail, actor: .technician, detail: "hub.url '\(configuration.hub.url)' is not a URL",
                    action: "set hub.url to the hub's https:// address in the configuration")
            ]
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        var results: [DiagnosticResult] = []

        switch await offPool({ NetworkProbe.resolve(host: host) }) {
        case .failure(let why):
            results.append(
                DiagnosticResult(
                    check: "hub dns", verdict: .fail, actor: .technician, detail: "the hub's name \(host) does not resolve: \(why.message)",
                    action: "check the kiosk's network cable and DNS settings; if they are fine, tell the city centre"))
            return results
        case .success(let addresses):
            results.append(.ok("hub dns", "\(host) resolves to \(addresses.joined(separator: ", "))"))
        }

        let timeoutMs = Int32(min(5000, max(500, configuration.hub.timeoutSeconds * 1000)))
        switch await offPool({ NetworkProbe.connect(host: host, port: port, timeoutMs: timeoutMs) }) {
        case .failure(let why):
            results.append(
                DiagnosticResult(
                    check: "hub tcp", verdict: .fail, actor: .operations,
                    detail: "the hub \(host):\(port) is not reachable: \(why.message)",
                    action: "tell the city centre the hub is not reachable from this kiosk", actionZh: "请联系市中心运维：无法连接中心平台"))
            return results
        case .success:
            results.append(.ok("hub tcp", "a connection to \(host):\(port) opens"))
        }

        var settings = HubClientConfiguration(kiosk: configuration)
        settings.maxAttempts = 1  // a check reports what it sees; it does not insist
        let client: HTTPHubClient
        // The report says what failed; the client's own warnings would repeat it on stderr.
        var quiet = Logger(label: "kioskd.diag.hub")
        quiet.logLevel = .critical
        do { client = try HTTPHubClient(settings, logger: quiet) } catch {
            results.append(
                DiagnosticResult(
                    check: "hub", verdict: .fail, actor: .technician, detail: "the hub client cannot be set up: \(plain(error))",
                    action: "check hub.clientCertificate, hub.clientKey and hub.caCertificate in the configuration"))
            return results
        }
        let report = await client.check()
        await client.shutdown()
        results += judge(report, scheme: scheme, host: host)
        return results
    }

    /// The hub check's report as results: TLS, HTTP health, clock, identity.
    static func judge(_ report: HubCheckReport, scheme: String, host: String) -> [DiagnosticResult] {
        var results: [DiagnosticResult] = []
        if scheme == "https" {
            if let tls = report.tls {
                results.append(.ok("hub tls", "\(tls.protocolVersion), the hub's certificate is valid until \(tls.notValidAfter)"))
            } else {
                results.append(
                    DiagnosticResult(
                        check: "hub tls", verdict: .fail, actor: .operations,
                        detail: "TLS with the hub failed: \(tlsWords(report.tlsError))",
                        action:
                            "check the kiosk's clock first (timedatectl); if it is right, tell the city centre the hub's certificate is refused"
                    ))
                return results  // HTTP over a refused TLS can only repeat it
            }
        } else if ["127.0.0.1", "localhost", "::1"].contains(host) {
            results.append(.ok("hub tls", "plain HTTP on loopback (demo and tests only)"))
        } else {
            results.append(
                DiagnosticResult(
                    check: "hub tls", verdict: .warn, actor: .technician, detail: "the hub URL is plain HTTP, not HTTPS",
                    action: "set hub.url to the hub's https:// address"))
        }
        guard report.reachable else {
            let why = report.problems.first { $0.hasPrefix("not reachable") } ?? "no answer"
            results.append(
                DiagnosticResult(
                    check: "hub http", verdict: .fail, actor: .operations,
                    detail: "the hub accepts connections but its health check failed: \(why)",
                    action: "tell the city centre the hub does not answer", actionZh: "请联系市中心运维：中心平台无响应"))
            return results
        }
        results.append(.ok("hub http", "the hub answers\(report.latencyMs.map { " in \($0) ms" } ?? "")"))
        if let skew = report.clockSkewSeconds {
            results.append(result("hub clock", DiagnosticRules.clockSkew(seconds: skew), "the kiosk's clock is \(skew) s off the hub's"))
        } else {
            results.append(
                DiagnosticResult(
                    check: "hub clock", verdict: .warn, actor: .operations, detail: "the hub's time cannot be read",
                    action: "tell the city centre the hub's health answer has no valid time"))
        }
        switch report.identityAccepted {
        case true?:
            results.append(.ok("hub identity", "the hub accepts this kiosk"))
        case false?:
            let why = report.problems.first { $0.contains("identity") } ?? "refused"
            results.append(
                DiagnosticResult(
                    check: "hub identity", verdict: .fail, actor: .operations, detail: "the hub does not accept this kiosk: \(why)",
                    action: "tell the city centre to check this kiosk's registration and certificate"))
        case nil:
            break
        }
        return results
    }

    /// NIO's TLS errors in a technician's words; the raw text only when no words fit.
    static func tlsWords(_ error: String?) -> String {
        guard let error else { return "no answer" }
        if error.contains("CERTIFICATE_VERIFY_FAILED") { return "this kiosk does not trust the hub's certificate (verification failed)" }
        if error.contains("CERTIFICATE_EXPIRED") || error.contains("certificate has expired") { return "the hub's certificate has expired" }
        if error.contains("WRONG_VERSION_NUMBER") { return "the hub does not speak TLS on this port" }
        if error.contains("CERTIFICATE_REQUIRED") || error.contains("ALERT_HANDSHAKE_FAILURE") {
            return "the hub refuses this kiosk's client certificate"
        }
        return error
    }
}
