/// Masking of personal data for screens, receipts and logs (rules in docs/ssc-card.md):
/// SSN → first 4, 10 `*`, last 4; name → first character, one `*` per remaining character;
/// card number → first 1, `*`s, last 2. Works on Characters, so a name outside the BMP
/// (𠮷) is one character, never half of one.
public enum Masking {
    public static func ssn(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 8 else { return String(repeating: "*", count: max(chars.count, 1)) }
        return String(chars.prefix(4)) + String(repeating: "*", count: 10) + String(chars.suffix(4))
    }

    public static func name(_ value: String) -> String {
        let chars = Array(value)
        guard let first = chars.first else { return "" }
        return String(first) + String(repeating: "*", count: chars.count - 1)
    }

    public static func cardNumber(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 3 else { return String(repeating: "*", count: max(chars.count, 1)) }
        return String(chars.prefix(1)) + String(repeating: "*", count: chars.count - 3) + String(chars.suffix(2))
    }
}
