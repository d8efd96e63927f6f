import KioskConsole
import Testing

@Suite struct DisplayWidthTests {
    @Test func cjkTakesTwoColumnsAndASCIIOne() {
        #expect(DisplayWidth.of("社保") == 4)
        #expect(DisplayWidth.of("ab") == 2)
        #expect(DisplayWidth.of("𠮷") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }

    @Test func fitDropsControlCharacters() {
        #expect(DisplayWidth.fit("a\u{1B}[2Jb\u{07}\u{9B}c\r\n", to: 5) == "a[2Jb")
        #expect(DisplayWidth.isControl("\u{1B}") && DisplayWidth.isControl("\u{85}") && !DisplayWidth.isControl("社"))
    }

    @Test func fitNeverCutsADoubleWidthCharacter() {
        // 5 columns hold two CJK characters and one space, never half of the third.
        #expect(DisplayWidth.fit("社会保障", to: 5) == "社会 ")
        #expect(DisplayWidth.of(DisplayWidth.fit("社会保障卡abc", to: 7)) == 7)
    }

    @Test func wrapKeepsEveryLineWithinTheWidth() {
        let text = "请插入社会保障卡 Please insert your social security card"
        for columns in [6, 11, 20, 40] {
            let lines = DisplayWidth.wrap(text, to: columns)
            #expect(lines.allSatisfy { DisplayWidth.of($0) <= columns })
            #expect(lines.joined().filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
        }
    }
}
