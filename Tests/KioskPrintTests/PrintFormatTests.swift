import KioskPrint
import Testing

@Suite struct PrintFormatTests {
    @Test(arguments: [
        (123456, "1,234.56"), (0, "0.00"), (5, "0.05"), (100, "1.00"), (99_999_999, "999,999.99"),
        (100_000_000, "1,000,000.00"), (-123456, "-1,234.56"),
    ])
    func fenPrintAsYuan(fen: Int, text: String) {
        #expect(PrintFormat.yuan(fen: fen) == text)
    }

    @Test func qrPayloadsAreASCII() {
        #expect(PrintFormat.qrPayload("https://hub.example/v/7Q2K") == "https://hub.example/v/7Q2K")
        #expect(PrintFormat.qrPayload("https://hub.example/v?n=张") == "https://hub.example/v?n=%E5%BC%A0")
        #expect(PrintFormat.qrPayload("a b").allSatisfy { $0.isASCII })
    }
}
