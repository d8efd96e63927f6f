import Foundation
import KioskCore
import KioskHub
import KioskHubSim
import Testing

/// The hub over HTTPS with mutual TLS, certificates made by openssl for each run: the pinned CA
/// and the kiosk's client certificate get through; a hub from another CA and a kiosk without a
/// certificate do not.
@Suite(.tags(.integration)) struct HubTLSTests {
    static func makeCertificates() async throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(dir.path)'
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
            for ca in ca other-ca; do
              openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.crt -days 2 -subj "/CN=Test $ca" 2>/dev/null
            done
            sign() { # name subject ca [ext]
              openssl req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj "$2" 2>/dev/null
              openssl x509 -req -in $1.csr -CA $3.crt -CAkey $3.key -CAcreateserial -out $1.crt -days 2 ${4:+-extfile $4} 2>/dev/null
            }
            sign server "/CN=hub.test" ca san.ext
            sign rogue "/CN=rogue.test" other-ca san.ext
            sign client "/CN=KIOSK-TEST-0001" ca
            """
        let out = try await Rigs.tool("sh", ["-c", script])
        #expect(out.exitCode == 0, "openssl: \(out.stderr)")
        return dir
    }

    func client(_ url: String, _ dir: URL, ca: String = "ca", clientCert: Bool = true) throws -> HTTPHubClient {
        var c = HubClientConfiguration(baseURL: url, kioskId: "KIOSK-TEST-0001")
        c.trustedCAPath = dir.appendingPathComponent("\(ca).crt").path
        c.maxAttempts = 1
        c.requestTimeout = .seconds(3)
        if clientCert {
            c.clientCertificatePath = dir.appendingPathComponent("client.crt").path
            c.clientKeyPath = dir.appendingPathComponent("client.key").path
        }
        return try HTTPHubClient(c)
    }

    func options(_ dir: URL, server: String) -> HubSimulator.Options {
        HubSimulator.Options(
            port: 0, seedPath: Rigs.repo.appendingPathComponent("devices/hub-seed/citizens.json").path,
            tlsCertificate: dir.appendingPathComponent("\(server).crt").path, tlsKey: dir.appendingPathComponent("\(server).key").path,
            clientCA: dir.appendingPathComponent("ca.crt").path)
    }

    @Test func mutualTLSWithThePinnedCAWorksAndTheCheckReportsIt() async throws {
        let dir = try await Self.makeCertificates()
        try await HubSimulator.withRunning(options(dir, server: "server")) { url in
            #expect(url.hasPrefix("https://"))
            let hub = try client(url, dir)
            #expect(try await hub.health().status == "ok")
            let report = await hub.check()
            await hub.shutdown()
            #expect(report.passed, "\(report.problems)")
            #expect(report.tls?.subject.contains("hub.test") == true)
            #expect(report.tls?.protocolVersion.contains("tlsv1") == true || report.tls?.protocolVersion.contains("TLS") == true)
            #expect(report.identityAccepted == true)
        }
    }

    @Test func aHubWithACertificateFromAnotherCAIsRefused() async throws {
        let dir = try await Self.makeCertificates()
        try await HubSimulator.withRunning(options(dir, server: "rogue")) { url in
            let hub = try client(url, dir)
            await #expect { try await hub.health() } throws: { ($0 as? KioskError)?.code == .hubUnavailable }
            let report = await hub.check()
            await hub.shutdown()
            #expect(!report.passed)
            #expect(report.tlsError != nil)
        }
    }

    @Test func aKioskWithoutItsCertificateIsRefused() async throws {
        let dir = try await Self.makeCertificates()
        try await HubSimulator.withRunning(options(dir, server: "server")) { url in
            let hub = try client(url, dir, clientCert: false)
            await #expect(throws: KioskError.self) { try await hub.health() }
            await hub.shutdown()
        }
    }
}
