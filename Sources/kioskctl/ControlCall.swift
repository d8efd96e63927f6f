import ArgumentParser
import Foundation
import KioskConfig
import KioskCore

/// Runs one control-socket call for a kioskctl command: a refusal or an unreachable daemon is
/// one plain line on stderr and exit 1 (refused) or 2 (no daemon), never a stack of errors.
enum ControlCall {
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as KioskError {
            FileHandle.standardError.write(Data("kioskctl: \(error.message)\n".utf8))
            throw ExitCode(error.message.hasPrefix("kioskd refused") ? 1 : 2)
        }
    }
}

/// Where kioskd listens: control.socket of the configuration (default if the file is unreadable).
enum ControlSocketPath {
    static func resolve(config: String) -> String {
        ((try? ConfigurationLoader.load(path: config)) ?? KioskConfiguration()).control.socket
    }
}
