import Foundation
import KioskCore

/// Layout and texts of the printed documents, read from kiosk-config (operators edit them; the
/// code holds no wording): `templates/receipt.json`, `templates/certificate.json` and
/// `locales/print.<locale>.json`. JSON, because KioskPrint does not depend on a YAML parser.
public struct PrintTemplates: Sendable, Equatable, Codable {
    public struct Receipt: Sendable, Equatable, Codable {
        public var widthMm: Double
        public var marginMm: Double
        public var font: String
        public var hallSize: Double
        public var titleSize: Double
        public var bodySize: Double
        public var smallSize: Double
        public var labelWidthMm: Double
        public var qrMm: Double
        /// IPP media keywords in order of preference (see PrintSubmission.media).
        public var media: [String]
    }

    public struct Column: Sendable, Equatable, Codable {
        public var key: String
        public var width: Double
        public var align: String?
    }

    public struct Certificate: Sendable, Equatable, Codable {
        public var widthMm: Double
        public var heightMm: Double
        public var marginMm: Double
        public var font: String
        public var titleSize: Double
        public var headingSize: Double
        public var bodySize: Double
        public var tableSize: Double
        public var smallSize: Double
        public var qrMm: Double
        public var media: [String]
        public var insuranceColumns: [Column]
        public var employerColumns: [Column]
        public var rowColumns: [Column]
    }

    /// The texts of one locale: groups of key → text.
    public struct Texts: Sendable, Equatable, Codable {
        public var receipt: [String: String]
        public var certificate: Certificate
        public var insurance: [String: String]
        public var insuranceStatus: [String: String]
        public var rowStatus: [String: String]
        public var testPage: [String: String]

        public struct Certificate: Sendable, Equatable, Codable {
            public var title: String
            public var certificateNo: String
            public var verificationCode: String
            public var verifyNote: String
            public var holder: String
            public var ssn: String
            public var months: String
            public var insurances: String
            public var employers: String
            public var rows: String
            public var continued: String
            /// With {page} and {pages}.
            public var page: String
            public var printedAt: String
            public var kiosk: String
            public var present: String
            public var noRows: String
            public var columns: [String: String]
        }
    }

    public var receipt: Receipt
    public var certificate: Certificate
    public var texts: Texts

    public init(receipt: Receipt, certificate: Certificate, texts: Texts) {
        self.receipt = receipt
        self.certificate = certificate
        self.texts = texts
    }

    /// Reads the three files under `directory` (kiosk-config, or /etc/kioskd). Throws
    /// `configuration` naming the file and what is wrong.
    public static func load(directory: String, locale: String = "zh-CN") throws(KioskError) -> PrintTemplates {
        let base = URL(fileURLWithPath: directory)
        let receipt = try read(Receipt.self, base.appendingPathComponent("templates/receipt.json"))
        let certificate = try read(Certificate.self, base.appendingPathComponent("templates/certificate.json"))
        let texts = try read(Texts.self, base.appendingPathComponent("locales/print.\(locale).json"))
        let templates = PrintTemplates(receipt: receipt, certificate: certificate, texts: texts)
        let missing = templates.missingTexts()
        guard missing.isEmpty else {
            throw KioskError(.configuration, "locales/print.\(locale).json lacks texts for: \(missing.joined(separator: ", "))")
        }
        return templates
    }

    private static func read<T: Decodable>(_ type: T.Type, _ url: URL) throws(KioskError) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KioskError(.configuration, "cannot read \(url.path): \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(type, from: data) } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw KioskError(.configuration, "\(url.path): missing \(path)")
        } catch {
            throw KioskError(.configuration, "\(url.path) is not a valid template: \(error)")
        }
    }

    /// Keys the renderers look up that the texts do not define.
    func missingTexts() -> [String] {
        let receiptKeys = ["title", "kiosk", "time", "service", "outcome", "holder", "ssn", "transaction", "verify", "footer"]
        var missing = receiptKeys.filter { texts.receipt[$0] == nil }.map { "receipt.\($0)" }
        let columns = certificate.insuranceColumns + certificate.employerColumns + certificate.rowColumns
        for key in Set(columns.map(\.key)) where texts.certificate.columns[key] == nil {
            missing.append("certificate.columns.\(key)")
        }
        return missing.sorted()
    }
}

/// Number and text formats of printed documents.
public enum PrintFormat {
    /// Fen as yuan with thousands separators: 123456 → "1,234.56". Integer arithmetic: amounts
    /// are money, never floating point.
    public static func yuan(fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let yuan = String(magnitude / 100)
        let cents = magnitude % 100
        var grouped = ""
        for (i, digit) in yuan.enumerated() {
            if i > 0 && (yuan.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return "\(sign)\(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// A QR payload: ASCII only, anything else percent-encoded as UTF-8 (scanners guess the
    /// charset of raw bytes).
    public static func qrPayload(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte < 0x80 && byte > 0x20 {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// "2026-11-22 10:30:05" (local time, China) → PDF creation date "2026-11-22T10:30:05+08:00".
    public static func isoDate(_ printed: String) -> String? {
        let t = printed.replacingOccurrences(of: " ", with: "T")
        guard t.count >= 16, t.first?.isNumber == true else { return nil }
        return t.contains("+") || t.hasSuffix("Z") ? t : t + "+08:00"
    }
}
