import Testing

@testable import KioskConsole

@Suite struct LineBreakingTests {
    @Test func closingPunctuationNeverStartsALine() {
        let lines = LineBreaking.wrap("证明仍在打印，请在出纸口取走；如未打出，请到人工窗口", to: 38)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 38 })
        #expect(lines.dropFirst().allSatisfy { !LineBreaking.noLineStart.contains($0.first ?? "x") })
        #expect(lines.joined() == "证明仍在打印，请在出纸口取走；如未打出，请到人工窗口")
    }

    @Test func latinBreaksAtSpacesAndLongWordsAreCut() {
        #expect(LineBreaking.wrap("Press Enter to continue", to: 12) == ["Press Enter", "to continue"])
        #expect(LineBreaking.wrap("abcdefghij", to: 4).allSatisfy { $0.count <= 4 })
    }
}
