import Foundation
import KioskCore

/// The documents of kiosk-config/examples (what the hub sends, as the printer gets it), for
/// tests of rendering in process and in the render child.
public enum DocumentFixtures {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("kiosk-config/examples")

    public static func example<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: examples.appendingPathComponent("\(name).json")))
    }

    /// The example certificate with `months` rows (newest first) for the holder `name`.
    public static func certificate(months: Int, name: String) throws -> CertificateContent {
        var content = try example(CertificateContent.self, "certificate")
        let row = content.certificate.rows[0]
        content.certificate.rows = (0..<months).map { i in
            var r = row
            r.month = String(format: "%04d-%02d", 2026 - i / 12, 12 - i % 12)
            return r
        }
        content.certificate.holder.name = name
        return content
    }
}
