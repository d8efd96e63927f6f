import Crypto
import Foundation
import KioskConfig
import KioskCore
import SwiftASN1
import Testing
import X509

/// `kioskctl setup`'s logic without devices: the dialog over scripted answers, the site file it
/// writes read back through kioskd's loader, and the checks a hall's kiosk must pass.
struct SiteSetupTests {
    static let readers = ["ACS ACR39U 00 00", "ACS ACR39U SAM 00 01"]
    static let queues = ["kiosk-a4", "kiosk-fault", "kiosk-receipt"]

    /// Answers come from `lines`, in order; what was said is kept.
    final class Script: @unchecked Sendable {
        var lines: [String]
        var said: [String] = []
        init(_ lines: [String]) { self.lines = lines }
        var dialog: SetupDialog {
            SetupDialog(
                ask: { prompt in
                    self.said.append(prompt)
                    return self.lines.isEmpty ? nil : self.lines.removeFirst()
                }, say: { self.said.append($0) })
        }
    }

    @Test func theDialogAsksOnlyWhatNoFlagAnswered() throws {
        var draft = SetupDialog.Draft()
        draft.kioskId = "KIOSK-0317"
        draft.certificateQueue = "kiosk-a4"
        // Hub, no CA or client certificate (setup refuses that later unless --demo), then the card
        // slot by name, the PSAM by number, the receipt queue by its suggestion.
        let script = Script(["https://hub.example:8443/", "", "", "ACS ACR39U 00 00", "1", ""])
        let answers = try script.dialog.complete(draft, readers: Self.readers, queues: Self.queues)
        #expect(answers.kioskId == "KIOSK-0317")
        #expect(answers.hubURL == "https://hub.example:8443/")
        #expect(answers.cardReader == "ACS ACR39U 00 00")
        #expect(answers.psamReader == "ACS ACR39U SAM 00 01")
        #expect(answers.receiptQueue == "kiosk-receipt", "the queue named receipt is the suggestion")
        #expect(answers.certificateQueue == "kiosk-a4")
        #expect(!script.said.contains { $0.hasPrefix("Kiosk id") }, "a flag's answer is not asked again")
        #expect(script.lines.isEmpty)
    }

    @Test func aWrongAnswerIsAskedAgainAndTheEndOfInputNamesWhatIsMissing() throws {
        let script = Script(["bad id with spaces", "KIOSK-0318", "ftp://hub", "https://hub.example/", "", "", "7", "9"])
        #expect(throws: SetupDialog.Ended(missing: ["--card-reader"])) {
            try script.dialog.complete(SetupDialog.Draft(), readers: Self.readers, queues: Self.queues)
        }
        #expect(script.said.contains { $0.contains("kiosk.id: 1–64 ASCII") })
        #expect(script.said.contains { $0.contains("an https:// address") })
        #expect(script.said.contains("  answer 1 to 2"))
    }

    @Test func missingFlagsAreNamedAsFlags() {
        #expect(
            SetupDialog.missingFlags(SetupDialog.Draft(), readers: Self.readers)
                == ["--kiosk-id", "--hub", "--card-reader", "--receipt-queue", "--a4-queue"])
        // With one reader there is nothing to choose.
        #expect(!SetupDialog.missingFlags(SetupDialog.Draft(), readers: ["only one"]).contains("--card-reader"))
    }

    @Test func theWrittenSiteFileLoadsBackAsAnswered() throws {
        let answers = SiteAnswers(
            kioskId: "KIOSK-0319", hall: "第二服务大厅: 东区", hubURL: "https://hub.example/", caCertificate: "/etc/kioskd/tls/ca.pem",
            clientCertificate: "/etc/kioskd/tls/kiosk.crt", clientKey: "/etc/kioskd/tls/kiosk.key", cardReader: "ACS ACR39U 00 00",
            psamReader: "", receiptQueue: "kiosk-receipt", certificateQueue: "kiosk-a4")
        let configuration = try ConfigurationLoader.parse(answers.yaml(), file: "kiosk.yaml")
        #expect(configuration.kiosk.id == "KIOSK-0319")
        #expect(configuration.kiosk.hall == "第二服务大厅: 东区", "a colon in a value is quoted")
        #expect(configuration.hub.clientKey == "/etc/kioskd/tls/kiosk.key")
        #expect(configuration.card.reader == "ACS ACR39U 00 00" && configuration.card.psamReader.isEmpty)
        #expect(configuration.printers.certificate == "kiosk-a4")
        #expect(configuration.store.path == KioskConfiguration().store.path, "what was not answered keeps its default")
        #expect(configuration.files.directory == "/usr/share/kioskd")
    }

    @Test func demoValuesAreRefusedOneLineEach() {
        var configuration = KioskConfiguration()
        #expect(SiteFileChecks.demoValues(configuration).map(\.key) == ["kiosk.id"], "loopback HTTP stays allowed")
        configuration.kiosk.id = "KIOSK-0320"
        configuration.hub.url = "http://10.20.0.5:8480/"
        #expect(SiteFileChecks.demoValues(configuration).map(\.key) == ["hub.url"])
        configuration.hub.url = "https://hub.example/"
        let problems = SiteFileChecks.demoValues(configuration)
        #expect(problems.map(\.key) == ["hub.clientCertificate"])
        #expect(problems.allSatisfy { !$0.description.contains("\n") })
    }

    @Test func aKeyOthersCanReadIsRefusedWithTheChmodToRun() throws {
        let folder = try Self.folder()
        let key = folder.appendingPathComponent("kiosk.key").path
        try Data("-----BEGIN PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: key))
        var configuration = KioskConfiguration()
        configuration.hub.clientKey = key
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let loose = SiteFileChecks.tlsFiles(configuration, daemonUser: nil)
        #expect(loose.count == 1)
        #expect(loose.first?.description.contains("is mode 0644") == true, "\(loose)")
        #expect(loose.first?.action == "run `chmod 640 \(key)` (owner root, group kioskd)")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        #expect(SiteFileChecks.tlsFiles(configuration, daemonUser: nil).isEmpty)
        configuration.hub.clientKey = folder.appendingPathComponent("missing.key").path
        #expect(SiteFileChecks.tlsFiles(configuration, daemonUser: nil).first?.problem.contains("No such file") == true)
    }

    @Test func anExpiredCertificateIsRefusedWithItsDate() throws {
        let folder = try Self.folder()
        let expired = folder.appendingPathComponent("expired.crt").path
        let current = folder.appendingPathComponent("current.crt").path
        let now = Date()
        try Self.certificate(from: now.addingTimeInterval(-400 * 86400), to: now.addingTimeInterval(-86400)).write(
            toFile: expired, atomically: true, encoding: .utf8)
        try Self.certificate(from: now.addingTimeInterval(-86400), to: now.addingTimeInterval(300 * 86400)).write(
            toFile: current, atomically: true, encoding: .utf8)
        var configuration = KioskConfiguration()
        configuration.hub.caCertificate = current
        configuration.hub.clientCertificate = expired
        let problems = SiteFileChecks.tlsFiles(configuration, now: now, daemonUser: nil)
        #expect(problems.map(\.key) == ["hub.clientCertificate"])
        #expect(problems.first?.problem.contains("expired on") == true, "\(problems)")
        configuration.hub.clientCertificate = current
        #expect(SiteFileChecks.tlsFiles(configuration, now: now, daemonUser: nil).isEmpty)
        try "not a certificate".write(toFile: expired, atomically: true, encoding: .utf8)
        configuration.hub.clientCertificate = expired
        #expect(SiteFileChecks.tlsFiles(configuration, now: now, daemonUser: nil).first?.problem.contains("not a PEM certificate") == true)
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("site-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A self-signed certificate valid from `from` to `to`, as PEM.
    static func certificate(from: Date, to: Date) throws -> String {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("KIOSK-0321") }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: from, notValidAfter: to, issuer: name,
            subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(), issuerPrivateKey: .init(key))
        return try certificate.serializeAsPEM().pemString
    }
}
