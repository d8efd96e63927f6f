/// The canonical encoding of a journal record, the bytes its hash is taken over. It is JSON in
/// the RFC 8785 (JCS) form, so any language can recompute it:
/// - one object with the record's fields except `hash`, keys sorted by code point, no whitespace;
/// - `sessionId` and `subjectRef` are left out when absent (never `null`); `display` and
///   `payload` are always there, `{}` when empty;
/// - strings escape only `"`, `\`, and U+0000–U+001F (`\b \t \n \f \r`, others `\u00xx`
///   lowercase); everything else, Chinese included, is literal UTF-8;
/// - integers in decimal, booleans `true`/`false`; there are no floats and no nesting deeper than
///   `display`/`payload`.
/// Keys are ASCII names (`isValidKey`), so byte order, UTF-16 order and code-point order agree.
public enum JournalCanonical {
    /// The canonical bytes of `record` (its `hash` is ignored).
    public static func encode(_ record: JournalRecord) -> [UInt8] {
        compose(
            seq: record.seq, time: record.time, kind: record.kind.rawValue, kioskId: record.kioskId, sessionId: record.sessionId,
            subjectRef: record.subjectRef, displayJSON: object(record.display), payloadJSON: object(record.payload),
            prevHash: record.prevHash)
    }

    /// The canonical bytes from fields whose `display` and `payload` are already canonical JSON
    /// text (the store keeps them so, which makes verifying a long chain cheap).
    public static func compose(
        seq: Int, time: String, kind: String, kioskId: String, sessionId: String?, subjectRef: String?, displayJSON: String,
        payloadJSON: String, prevHash: String
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + displayJSON.utf8.count + payloadJSON.utf8.count)
        out.append(contentsOf: #"{"display":"#.utf8)
        out.append(contentsOf: displayJSON.utf8)
        out.append(contentsOf: #","kind":"#.utf8)
        appendString(kind, to: &out)
        out.append(contentsOf: #","kioskId":"#.utf8)
        appendString(kioskId, to: &out)
        out.append(contentsOf: #","payload":"#.utf8)
        out.append(contentsOf: payloadJSON.utf8)
        out.append(contentsOf: #","prevHash":"#.utf8)
        appendString(prevHash, to: &out)
        out.append(contentsOf: #","seq":"#.utf8)
        out.append(contentsOf: String(seq).utf8)
        if let sessionId {
            out.append(contentsOf: #","sessionId":"#.utf8)
            appendString(sessionId, to: &out)
        }
        if let subjectRef {
            out.append(contentsOf: #","subjectRef":"#.utf8)
            appendString(subjectRef, to: &out)
        }
        out.append(contentsOf: #","time":"#.utf8)
        appendString(time, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `{"a":"x","b":"y"}` with sorted keys.
    public static func object(_ fields: [String: String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in fields.keys.sorted(by: codePointOrder).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(fields[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    public static func object(_ fields: [String: JournalValue]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in fields.keys.sorted(by: codePointOrder).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch fields[key]! {
            case .string(let s): appendString(s, to: &out)
            case .int(let n): out.append(contentsOf: String(n).utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Keys of `display` and `payload`: 1–64 of `A–Z a–z 0–9 . - _`.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64
            && key.utf8.allSatisfy { c in
                (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2E || c == 0x2D
                    || c == 0x5F
            }
    }

    /// Lowercase hex, the form every hash in the journal is written in.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    // Sorting by UTF-8 bytes equals JCS's UTF-16 order for the ASCII keys we allow.
    private static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every string has nothing to escape: copied whole, it costs no per-byte append.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigit(c >> 4))
                out.append(hexDigit(c & 0x0F))
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
