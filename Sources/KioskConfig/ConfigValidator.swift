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
            _ = try ConfigurationLoader.load(path: path)
            return []
        } catch let error as KioskError {
            return error.message.split(separator: "\n").map(String.init)
        } catch {
            return ["\(path): \(error)"]
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
