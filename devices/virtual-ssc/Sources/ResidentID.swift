/// GB 11643 resident ID check digit (ISO 7064 MOD 11-2). The card refuses profiles whose SSN
/// fails it, so shipped test citizens are ones a real reader would accept.
enum ResidentID {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters = Array("10X98765432")

    /// The check character for the first 17 digits of `id`, nil if they are not 17 digits.
    static func checkDigit(_ id: String) -> Character? {
        let digits = id.prefix(17).compactMap(\.wholeNumberValue)
        guard digits.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    static func isValid(_ id: String) -> Bool {
        id.count == 18 && checkDigit(id) == id.last
    }
}
