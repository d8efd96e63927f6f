import ArgumentParser
import Foundation
import KioskConfig
import KioskCore

/// `kioskctl config …`: operations' side of signed configuration bundles. validate, keygen and
/// bundle read and write files only; apply, status, history and rollback talk to the running
/// kioskd over its control socket (ConfigDaemonCommands.swift).
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check configuration, make signing keys, build signed bundles for the fleet.",
        subcommands: [
            Validate.self, Keygen.self, Bundle.self,
            ConfigApplyCommand.self, ConfigStatusCommand.self, ConfigHistoryCommand.self, ConfigRollbackCommand.self,
        ])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a kiosk.yaml file, or a bundle source folder (settings.yaml + kiosk-config files).",
            discussion: "Prints every problem as file:line: what is wrong; what is allowed. Exit status: 0 valid, 1 not.")
        @Argument(help: "A kiosk.yaml file or a bundle source folder.") var path: String

        func run() async throws {
            let problems = ConfigValidator.validate(path: path)
            guard problems.isEmpty else {
                for problem in problems { print(problem) }
                print("\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
                throw ExitCode(1)
            }
            print("\(path): valid")
        }
    }

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 key pair: BASE.key (private, mode 0600) and BASE.pub (for kiosks' trust folders).")
        @Option(help: "Base path of the two files; existing files are never overwritten.") var out: String

        func run() async throws {
            do {
                try BundleSigningKeys.generate(to: out)
                let keyId = BundleSigningKeys.keyId(try BundleSigningKeys.loadPublicKey(path: out + ".pub"))
                print("wrote \(out).key (private: keep it with operations) and \(out).pub (copy into each kiosk's bundles.trustDirectory)")
                print("keyId \(keyId)")
            } catch let error as KioskError {
                FileHandle.standardError.write(Data("kioskctl: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Bundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a signed bundle from a folder that validates.",
            discussion: """
                The folder holds settings.yaml (optional; only \(ConfigurationLoader.bundleKeysText)) and the \
                kiosk-config files (services.json, keymap.json, locales/, guides/, templates/). Exit status: 0 written, \
                1 the folder does not validate or the key cannot be read.
                """)
        @Argument(help: "The bundle source folder.") var directory: String
        @Option(help: "The private key file (kioskctl config keygen).") var key: String
        @Option(help: "The bundle's version: higher than any a kiosk has taken.") var version: Int
        @Option(help: "Expiry: ISO 8601 (2027-01-01T00:00:00Z) or relative (+30d, +12h, +45m).") var expires: String
        @Option(help: "A kiosk id or group name; repeat for more.") var target: [String] = []
        @Option(help: "The bundle file to write.") var out: String

        func validate() throws {
            guard version >= 1 else { throw ValidationError("--version: a whole number of at least 1") }
            guard !target.isEmpty else { throw ValidationError("--target: at least one kiosk id or group name") }
            guard let date = ConfigCommand.time(expires), date > Date() else {
                throw ValidationError("--expires: a future time, ISO 8601 (2027-01-01T00:00:00Z) or relative (+30d, +12h, +45m)")
            }
        }

        func run() async throws {
            let problems = ConfigValidator.validate(path: directory)
            guard problems.isEmpty else {
                for problem in problems { print(problem) }
                FileHandle.standardError.write(Data("kioskctl: \(directory) does not validate; no bundle written\n".utf8))
                throw ExitCode(1)
            }
            do {
                let privateKey = try BundleSigningKeys.loadPrivateKey(path: key)
                let expiry = ConfigCommand.time(expires) ?? Date()
                let data = try ConfigBundleSigner.make(
                    directory: URL(fileURLWithPath: directory), privateKey: privateKey, version: version, expires: expiry, targets: target)
                try data.write(to: URL(fileURLWithPath: out), options: .atomic)
                print(
                    "wrote \(out): version \(version) for \(target.joined(separator: ", ")), expires \(expiry.formatted(.iso8601)), "
                        + "keyId \(BundleSigningKeys.keyId(privateKey: privateKey)), \(data.count) bytes")
            } catch let error as KioskError {
                FileHandle.standardError.write(Data("kioskctl: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// ISO 8601 ("2027-01-01T00:00:00Z") or "+N" with d, h or m, from now.
    static func time(_ text: String, now: Date = Date()) -> Date? {
        if text.hasPrefix("+"), let unit = text.last, let n = Int(text.dropFirst().dropLast()), n > 0 {
            let seconds: Int? = ["d": 86400, "h": 3600, "m": 60][String(unit)]
            return seconds.map { now.addingTimeInterval(Double(n * $0)) }
        }
        return try? Date(text, strategy: .iso8601)
    }
}
