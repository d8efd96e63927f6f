import Foundation
import KioskConsole
import KioskCore
import Testing

@Suite struct KeyDecoderTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../kiosk-config")
        .standardized
    static let map = try! KeyMap(jsonData: Data(contentsOf: config.appendingPathComponent("keymap.json")))

    func decode(_ chunks: [[UInt8]], flush: Bool = true) -> [Key] {
        var decoder = KeyDecoder(map: Self.map)
        var keys = chunks.flatMap { decoder.decode($0) }
        if flush { keys += decoder.flush() }
        return keys
    }

    @Test func digitsEnterAndBack() {
        #expect(decode([Array("12\r".utf8), [0x7F], [0x0A]]) == [.digit(1), .digit(2), .enter, .back, .enter])
    }

    @Test func keypadInApplicationModeAndArrows() {
        #expect(decode([Array("\u{1B}Oq\u{1B}OM\u{1B}[A\u{1B}[6~".utf8)]) == [.digit(1), .enter, .up, .down])
    }

    @Test func sequencesSplitAcrossReadsWait() {
        var decoder = KeyDecoder(map: Self.map)
        #expect(decoder.decode([0x1B]).isEmpty && decoder.hasPending)
        #expect(decoder.decode([0x4F]).isEmpty)
        #expect(decoder.decode([0x71, 0x32]) == [.digit(1), .digit(2)])
        #expect(!decoder.hasPending)
    }

    @Test func loneEscapeIsBackOnFlush() {
        var decoder = KeyDecoder(map: Self.map)
        #expect(decoder.decode([0x1B]).isEmpty)
        #expect(decoder.flush() == [.back])
        #expect(decode([[0x1B, 0x1B]]) == [.back, .back])
        #expect(decode([[0x1B, 0x35]]) == [.back, .digit(5)])
    }

    @Test func unknownEscapeSequencesAreSwallowedWhole() {
        // F5, a mouse report, a cursor position report, then a real digit.
        let noise = Array("\u{1B}[15~\u{1B}[<0;12;5M\u{1B}[24;80R7".utf8)
        #expect(decode([noise]) == [.digit(7)])
    }

    @Test func garbageAndUTF8AreIgnored() {
        let bytes: [UInt8] = Array("你好abc".utf8) + [0xFF, 0xC3, 0x00, 0x07, 0x80] + Array("9".utf8)
        #expect(decode([bytes]) == [.digit(9)])
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let chunk = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let keys = decode([chunk])
            #expect(keys.count <= chunk.count)
        }
    }

    @Test func fullWidthDigitsFromAChineseInputMethodCount() {
        #expect(decode([Array("１".utf8).prefix(2).map { $0 }, Array("１".utf8).suffix(1).map { $0 }]) == [.digit(1)])
    }

    @Test func keymapRefusesUnknownKeysAndClashes() {
        #expect(throws: KioskError.self) { try KeyMap(jsonData: Data(#"{"launch": ["x"]}"#.utf8)) }
        #expect(throws: KioskError.self) { try KeyMap(jsonData: Data(#"{"enter": ["x"], "back": ["x"]}"#.utf8)) }
    }
}
