import KioskCore
import Testing

@Suite struct MaskingTests {
    @Test func ssnKeepsFirstFourAndLastFour() {
        #expect(Masking.ssn("11010519491231002X") == "1101**********002X")
    }

    @Test(arguments: [("张三", "张*"), ("欧阳娜娜", "欧***"), ("𠮷野家", "𠮷**"), ("李", "李"), ("", "")])
    func nameKeepsOnlyTheFirstCharacter(name: String, masked: String) {
        #expect(Masking.name(name) == masked)
    }

    @Test func cardNumberKeepsFirstOneAndLastTwo() {
        #expect(Masking.cardNumber("X00000019") == "X******19")
    }

    @Test func shortValuesAreFullyHidden() {
        #expect(Masking.ssn("1234") == "****")
        #expect(Masking.cardNumber("X1") == "**")
    }
}
