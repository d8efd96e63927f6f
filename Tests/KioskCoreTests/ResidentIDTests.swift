import KioskCore
import Testing

@Suite struct ResidentIDTests {
    @Test(arguments: [("11010519491231002", "X"), ("11111119810101111", "0")])
    func checkCharacterMatchesTheStandardVectors(first17: String, expected: Character) {
        #expect(ResidentID.checkCharacter(for: first17) == expected)
    }

    @Test func validNumbersPassAndLowercaseXIsAccepted() {
        #expect(ResidentID.isValid("11010519491231002X"))
        #expect(ResidentID.isValid("11010519491231002x"))
        #expect(ResidentID.isValid("111111198101011110"))
    }

    @Test(arguments: ["110105194912310021", "11010519491231002", "1101051949123100200", "1101051949123100AX", "", "１１０１０５１９４９１２３１００２X"])
    func invalidNumbersFail(_ number: String) {
        #expect(!ResidentID.isValid(number))
    }
}
