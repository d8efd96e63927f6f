import Foundation
import KioskCore

/// `kioskctl config validate PATH`: a kiosk.yaml file, or a bundle source folder
/// (settings.yaml + the kiosk-config files). Says every problem at once, so an operator fixes
/// a file in one go rather than one error per run.
public enum ConfigValidator {
    /// "file:line: what is wrong; what is allowed" for each problem; empty means valid.
    public static func validate(path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ["\(path): no such file or folder"]
        }
        if isDirectory.boolValue { return validateBundleSource(URL(fileURLWithPath: path)) }
        do {
            let configuration = try ConfigurationLoader.load(path: path)
            return filesProblems(configuration)
        } catch let error as KioskError {
            return error.message.split(separator: "\n").map(String.init)
        } catch {
            return ["\(path): \(error)"]
        }
    }

    /// The kiosk-config folder the file names, read as the daemon reads it, with every locale of
    /// kiosk.languages complete; nothing when the folder is not on this machine (a site file
    /// checked away from its kiosk).
    static func filesProblems(_ configuration: KioskConfiguration) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: configuration.files.directory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [] }
        do {
            let files = try KioskConfigFiles.load(
                directory: URL(fileURLWithPath: configuration.files.directory), locale: configuration.kiosk.locale,
                languages: configuration.kiosk.languages)
            return files.languageProblems.map { "\(configuration.files.directory): \($0)" }
        } catch let error as KioskError {
            return ["\(configuration.files.directory): \(error.message)"]
        } catch {
            return ["\(configuration.files.directory): \(error)"]
        }
    }

    /// A folder `kioskctl config bundle` would pack: the files it carries must validate.
    public static func validateBundleSource(_ directory: URL) -> [String] {
        let files: [String: Data]
        do { files = try ConfigBundleFiles.collect(directory: directory) } catch let error as KioskError {
            return [error.message]
        } catch {
            return ["\(directory.path): \(error)"]
        }
        let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        return ConfigBundleContent.problems(files) { base + $0 }
    }
}
