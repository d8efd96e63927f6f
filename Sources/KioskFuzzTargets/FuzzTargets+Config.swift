import Crypto
import Foundation
import KioskConfig
import KioskControl
import KioskCore

// The configuration's parsers: the site file, signed bundles, the control socket's requests.
extension FuzzTargets {
    /// A site file (kiosk.yaml) as kioskd and kioskctl load it: YAML, unknown keys, types and values
    /// all checked. The same text is then a bundle's settings.yaml, which operations write and every
    /// kiosk checks again: alone, as the verifier checks it, and merged over a site file, as kioskd
    /// runs it. The file system is left out: the loader's path-taking entry only reads the text.
    static func siteYAML(_ input: [UInt8]) {
        // Not UTF-8: refused before any parsing, as ConfigurationLoader.readText refuses it.
        guard let text = String(data: Data(input), encoding: .utf8) else { return }
        if let configuration = try? ConfigurationLoader.parse(text, file: "kiosk.yaml") {
            precondition(configuration.validationErrors().isEmpty, "a site file with invalid values was loaded")
            _ = SiteFileChecks.demoValues(configuration)
        }
        let overlayProblems = ConfigurationLoader.overlayProblems(text, file: "settings.yaml")
        let effective = try? ConfigurationLoader.parse(overlaySite, file: "kiosk.yaml", overlay: text, overlayFile: "settings.yaml")
        // The site sets only keys a bundle may not, so a settings.yaml the verifier passed must
        // not make the kiosk's effective configuration invalid at the swap.
        if overlayProblems.isEmpty { precondition(effective != nil, "a settings.yaml valid on its own broke a valid site file") }
    }

    /// A valid site file that sets only keys local to each kiosk, for the overlay to merge into
    /// section by section (kiosk and hub are in both).
    static let overlaySite = """
        kiosk:
          id: KIOSK-T-0001
          groups: [hall-7]
        hub:
          caCertificate: /etc/kioskd/tls/hub-ca.crt
          clientCertificate: /etc/kioskd/tls/kiosk.crt
          clientKey: /etc/kioskd/tls/kiosk.key
        card:
          reader: ACS ACR1281 1S Dual Reader 00 00
        """

    /// A bundle file as a kiosk takes it (`POST /v1/config/apply`, the hub poller): envelope,
    /// base64, keyId and Ed25519 signature, verified against one trusted key. A fuzzer cannot
    /// sign, so the same bytes are also read as a manifest, each file's sha256 made to fit and
    /// the manifest signed with that key: what lies behind the signature (the manifest, paths,
    /// dates, versions, targets, settings.yaml and the JSON files) meets fuzzed bytes too.
    /// Nothing touches the disk: the keys are in memory, and the one check that unpacks (a whole
    /// set that validates) needs a bundle the key signed in the first read (no seed is a whole
    /// set) and is kept out of the second.
    static func bundle(_ input: [UInt8]) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bundleKey) else {
            preconditionFailure("32 bytes are an Ed25519 private key")
        }
        let trusted = [BundleSigningKeys.keyId(key.publicKey): key.publicKey]
        func verify(_ data: Data) throws(ConfigBundleRefusal) -> VerifiedConfigBundle {
            try ConfigBundleVerifier.verify(
                data, trustedKeys: trusted, kioskId: bundleKioskId, groups: bundleGroups, highWaterMark: bundleHighWaterMark,
                now: bundleNow)
        }

        do {
            let taken = try verify(Data(input))
            precondition(trusted[taken.keyId] != nil, "a bundle taken under a key the kiosk does not trust")
            precondition(taken.version > bundleHighWaterMark && taken.expires > bundleNow, "an old or expired bundle taken")
            precondition(
                taken.targets.contains(bundleKioskId) || taken.targets.contains(where: bundleGroups.contains),
                "a bundle for other kiosks taken")
            precondition(
                taken.files.keys.allSatisfy { ConfigBundleFiles.isSafe($0) && ConfigBundleFiles.isCarried($0) },
                "a bundle taken with a file it may not carry")
        } catch {
            if case .untrustedKey(let keyId) = error { precondition(trusted[keyId] == nil, "the trusted key refused as untrusted") }
        }

        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard var manifest = try? decoder.decode(ConfigBundle.Manifest.self, from: Data(input)) else { return }
        let paths = manifest.files.map(\.path)
        if ConfigBundleFiles.layoutProblem(paths) == nil {
            precondition(paths.allSatisfy(ConfigBundleFiles.isSafe), "a path out of the bundle folder passed as unpackable")
        }
        for index in manifest.files.indices {
            guard let content = Data(base64Encoded: manifest.files[index].content) else { continue }
            manifest.files[index].sha256 = Hex.encode(SHA256.hash(data: content)).lowercased()
        }
        // A whole set that validates is checked once more unpacked into a scratch folder
        // (ConfigBundleContent): one required file, chosen by the input, stays out, so that no
        // input writes to the disk. Such a bundle is refused whatever else it holds.
        if ConfigBundleFiles.required.allSatisfy(paths.contains) {
            let left = ConfigBundleFiles.required[input.count % ConfigBundleFiles.required.count]
            manifest.files.removeAll { $0.path == left }
        }
        guard let signed = try? ConfigBundleSigner.sign(manifest: manifest, privateKey: key) else { return }
        do {
            _ = try verify(signed)
            preconditionFailure("a bundle without every required file was taken")
        } catch {
            switch error {
            case .unsigned, .untrustedKey, .badSignature: preconditionFailure("a manifest the trusted key signed was refused: \(error)")
            default: break
            }
        }
    }

    /// The bundle target's kiosk: its id and groups, the newest version it took, and its clock,
    /// fixed so an input is refused or taken the same way on every run.
    static let bundleKioskId = "KIOSK-T-0001"
    static let bundleGroups = ["hall-7"]
    static let bundleHighWaterMark = 4
    static let bundleNow = Date(timeIntervalSince1970: 1_800_000_000)
    /// The trusted key's private half (raw Ed25519), fixed so seeds can be signed with it. Kept
    /// as bytes and made into a key per input: Curve25519 keys are not Sendable.
    static let bundleKey: [UInt8] = Array(1...32)

    /// The body of `POST /v1/maintenance` (a technician's, through kioskctl), decoded as the route
    /// decodes it; what kioskctl would send for it must read back the same. The other body a
    /// route takes, `POST /v1/config/apply`'s, is a bundle file: the bundle target.
    static func controlRequest(_ input: [UInt8]) {
        guard let asked = try? JSONDecoder().decode(MaintenanceRequest.self, from: Data(input)) else { return }
        _ = asked.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let sent = try? JSONEncoder().encode(asked),
            let read = try? JSONDecoder().decode(MaintenanceRequest.self, from: sent)
        else { preconditionFailure("a maintenance request kioskctl cannot send") }
        precondition(read.on == asked.on && read.reason == asked.reason, "a maintenance request changed on its way")
    }
}
