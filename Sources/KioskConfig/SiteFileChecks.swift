import Foundation
import KioskCore
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a site file must be before a kiosk in a hall runs with it, beyond the schema
/// (`KioskConfiguration.validationErrors`): no demo values, and TLS files that exist, are in
/// date, and keep the key to the kiosk's own user.
public enum SiteFileChecks {
    /// The id `kiosk.yaml`'s defaults and the demo carry: the hub would take every such kiosk for one.
    public static let demoKioskIdPrefix = "KIOSK-DEMO"

    /// Values that are fine for the demo and wrong in a hall (`kioskctl setup` refuses them unless
    /// `--demo`).
    public static func demoValues(_ configuration: KioskConfiguration) -> [SiteProblem] {
        var problems: [SiteProblem] = []
        if configuration.kiosk.id.uppercased().hasPrefix(demoKioskIdPrefix) {
            problems.append(
                SiteProblem(
                    "kiosk.id", "\(configuration.kiosk.id) is the demo kiosk's id",
                    action: "give the id the hub knows this kiosk by (--kiosk-id)"))
        }
        problems += cleartextHub(configuration)
        if configuration.hub.url.lowercased().hasPrefix("https://"), configuration.hub.clientCertificate == nil {
            problems.append(
                SiteProblem(
                    "hub.clientCertificate", "no client certificate: the hub admits kiosks by their certificate (mTLS)",
                    action: "give the kiosk's certificate and key (--client-cert, --client-key)"))
        }
        return problems
    }

    /// A plain-HTTP hub beyond this machine: citizens' names and ID numbers would cross the hall's
    /// network in clear. kioskd refuses it too; loopback stays allowed (a local TLS proxy, the demo).
    public static func cleartextHub(_ configuration: KioskConfiguration) -> [SiteProblem] {
        guard let url = URL(string: configuration.hub.url), url.scheme?.lowercased() == "http" else { return [] }
        let host = (url.host ?? "").lowercased()
        if host == "localhost" || host == "::1" || host.hasPrefix("127.") { return [] }
        return [
            SiteProblem(
                "hub.url", "\(configuration.hub.url) is plain HTTP to another machine",
                action: "use the hub's https:// address with the kiosk's client certificate")
        ]
    }

    /// The TLS files: readable, certificates parseable and in date on `now`, the key neither
    /// readable by others nor out of the reach of `daemonUser` (the unit's User=, when that
    /// user exists on this machine).
    public static func tlsFiles(_ configuration: KioskConfiguration, now: Date = Date(), daemonUser: String? = "kioskd") -> [SiteProblem] {
        var problems: [SiteProblem] = []
        let hub = configuration.hub
        for (key, path) in [("hub.caCertificate", hub.caCertificate), ("hub.clientCertificate", hub.clientCertificate)] {
            guard let path else { continue }
            problems += certificate(key, path, now: now)
        }
        if let path = hub.clientKey { problems += privateKey("hub.clientKey", path, daemonUser: daemonUser) }
        return problems
    }

    /// The first certificate's notAfter in a PEM file; nil when the file is not one.
    public static func notValidAfter(_ path: String) -> Date? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
            let first = try? PEMDocument.parseMultiple(pemString: text).first,
            let certificate = try? Certificate(derEncoded: first.derBytes)
        else { return nil }
        return certificate.notValidAfter
    }

    static func certificate(_ key: String, _ path: String, now: Date) -> [SiteProblem] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return [unreadable(key, path)]
        }
        guard let text = String(data: data, encoding: .utf8), let first = try? PEMDocument.parseMultiple(pemString: text).first,
            let certificate = try? Certificate(derEncoded: first.derBytes)
        else {
            return [SiteProblem(key, "\(path) is not a PEM certificate", action: "give the PEM file the hub's operators issued")]
        }
        if certificate.notValidAfter < now {
            return [
                SiteProblem(
                    key, "\(path) expired on \(certificate.notValidAfter.formatted(.iso8601.year().month().day()))",
                    action: "ask the hub's operators for a new certificate and run kioskctl setup again")
            ]
        }
        if certificate.notValidBefore > now {
            return [
                SiteProblem(
                    key, "\(path) is valid only from \(certificate.notValidBefore.formatted(.iso8601.year().month().day()))",
                    action: "check the kiosk's clock (timedatectl) or the certificate")
            ]
        }
        return []
    }

    /// As OpenSSH refuses a private key others can read: the file, its mode, the command to run.
    static func privateKey(_ key: String, _ path: String, daemonUser: String?) -> [SiteProblem] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint32Value,
            let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
            let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value
        else { return [unreadable(key, path)] }
        if mode & 0o037 != 0 {
            return [
                SiteProblem(
                    key, "\(path) is mode \(String(format: "%04o", mode)), open to others",
                    action: "run `chmod 640 \(path)` (owner root, group kioskd)")
            ]
        }
        if let daemonUser, let user = getpwnam(daemonUser) {
            let readable =
                (owner == user.pointee.pw_uid && mode & 0o400 != 0) || (group == user.pointee.pw_gid && mode & 0o040 != 0)
            if !readable {
                return [
                    SiteProblem(
                        key, "\(path) cannot be read by the \(daemonUser) user",
                        action: "run `chgrp \(daemonUser) \(path) && chmod 640 \(path)`")
                ]
            }
        } else if access(path, R_OK) != 0 {
            return [unreadable(key, path)]
        }
        return []
    }

    static func unreadable(_ key: String, _ path: String) -> SiteProblem {
        let reason = access(path, R_OK) == 0 ? "not a regular file" : String(cString: strerror(errno))
        return SiteProblem(key, "cannot read \(path) (\(reason))", action: "check the path and the file's permissions")
    }
}
