import Foundation
import KioskConsole
import KioskCore
import KioskPrint

/// The configuration the daemon runs: the site file (kiosk.yaml) with an applied bundle's
/// settings.yaml merged over it (the bundle wins, key by key inside each section), and
/// `files.directory` pointing at the bundle's folder. The bundle's files are loaded once here
/// for the effective locale, so a bundle that cannot run this kiosk is refused before any swap.
public enum EffectiveConfiguration {
    public static func load(sitePath: String, bundleDirectory: String?) throws -> KioskConfiguration {
        let site = try ConfigurationLoader.readText(sitePath)
        guard let bundleDirectory else { return try ConfigurationLoader.parse(site, file: sitePath) }
        let settingsPath = (bundleDirectory as NSString).appendingPathComponent("settings.yaml")
        let overlay = FileManager.default.fileExists(atPath: settingsPath) ? try ConfigurationLoader.readText(settingsPath) : nil
        var configuration = try ConfigurationLoader.parse(site, file: sitePath, overlay: overlay, overlayFile: settingsPath)
        configuration.files.directory = bundleDirectory
        do {
            _ = try KioskConfigFiles.load(directory: URL(fileURLWithPath: bundleDirectory), locale: configuration.kiosk.locale)
        } catch let error as KioskError {
            throw KioskError(.configuration, "\(bundleDirectory): \(error.description) (locale \(configuration.kiosk.locale))")
        }
        return configuration
    }
}
