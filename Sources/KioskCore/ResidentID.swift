/// The 18-character resident ID number (GB 11643), which is also the social security number.
/// The check digit is ISO 7064 MOD 11-2 over the first 17 digits.
public enum ResidentID {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for 17 digits, or nil when they are not 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard first17.count == 17, digits.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// True when the number has 17 digits and the right check character (`x` accepted as `X`).
    public static func isValid(_ number: String) -> Bool {
        guard number.count == 18, let last = number.last,
            let expected = checkCharacter(for: String(number.prefix(17)))
        else { return false }
        return Character(last.uppercased()) == expected
    }
}
