import Foundation
import KioskCore

/// Which terminal bytes are which key, from kiosk-config/keymap.json: key name → list of byte
/// strings (JSON escapes: "\r", "\u001b[A"). Keypads differ (numeric keypad in application mode
/// sends ESC O p…y), so the mapping is configuration, not code.
public struct KeyMap: Sendable, Equatable {
    public var sequences: [[UInt8]: Key]

    public init(sequences: [[UInt8]: Key]) { self.sequences = sequences }

    public init(jsonData: Data) throws {
        let file: [String: [String]]
        do { file = try JSONDecoder().decode([String: [String]].self, from: jsonData) } catch {
            throw KioskError(.configuration, "keymap.json: an object of key name → list of byte strings (\(error))")
        }
        var sequences: [[UInt8]: Key] = [:]
        for (name, list) in file.sorted(by: { $0.key < $1.key }) {
            guard let key = Key(name: name) else {
                throw KioskError(.configuration, "keymap.json: unknown key '\(name)'; use digit0…digit9, enter, back, up, down")
            }
            for text in list {
                let bytes = Array(text.utf8)
                guard !bytes.isEmpty else { throw KioskError(.configuration, "keymap.json: '\(name)' has an empty sequence") }
                if let other = sequences[bytes], other != key {
                    throw KioskError(.configuration, "keymap.json: \(text.debugDescription) is both \(other) and \(key)")
                }
                sequences[bytes] = key
            }
        }
        self.sequences = sequences
    }

    /// Digits, Enter/Return, Esc/Backspace/Delete, arrows, keypad in application mode.
    public static let standard: KeyMap = {
        var s: [[UInt8]: Key] = [[0x0D]: .enter, [0x0A]: .enter, [0x1B]: .back, [0x7F]: .back, [0x08]: .back]
        for d in 0...9 {
            s[[UInt8(0x30 + d)]] = .digit(d)
            s[[0x1B, 0x4F, UInt8(0x70 + d)]] = .digit(d)
        }
        s[[0x1B, 0x4F, 0x4D]] = .enter
        s[Array("\u{1B}[A".utf8)] = .up
        s[Array("\u{1B}[B".utf8)] = .down
        return KeyMap(sequences: s)
    }()
}

/// Turns raw terminal bytes into keys. Pure: the terminal service feeds each read as it comes.
/// Sequences may be split across reads (a partial one waits for the next read), unknown escape
/// sequences (CSI, SS3) are swallowed whole, and any other byte that maps to nothing (UTF-8
/// text, control characters, line noise) is dropped: a citizen leaning on the keyboard must
/// not wedge the front.
public struct KeyDecoder: Sendable {
    public let map: KeyMap
    private var buffer: [UInt8] = []
    private let longest: Int

    public init(map: KeyMap = .standard) {
        self.map = map
        self.longest = max(map.sequences.keys.map(\.count).max() ?? 1, 8)
    }

    /// True when bytes wait for the rest of a sequence. A lone ESC is one: the terminal service
    /// calls `flush()` when no more bytes came within ~50 ms, and the ESC becomes "back".
    public var hasPending: Bool { !buffer.isEmpty }

    public mutating func decode(_ bytes: some Sequence<UInt8>) -> [Key] {
        buffer.append(contentsOf: bytes)
        var keys: [Key] = []
        while !buffer.isEmpty {
            guard let step = nextStep(final: false) else { break }
            if let key = step.key { keys.append(key) }
            buffer.removeFirst(step.consumed)
        }
        return keys
    }

    /// Decides what is pending as if no more bytes will come.
    public mutating func flush() -> [Key] {
        var keys: [Key] = []
        while !buffer.isEmpty {
            let step = nextStep(final: true) ?? (nil, buffer.count)
            if let key = step.key { keys.append(key) }
            buffer.removeFirst(max(1, step.consumed))
        }
        return keys
    }

    /// The next key (or nothing) and how many bytes it took; nil = wait for more bytes.
    private func nextStep(final: Bool) -> (key: Key?, consumed: Int)? {
        var match: (key: Key, length: Int)?
        var couldGrow = false
        for length in 1...min(buffer.count, longest) {
            if let key = map.sequences[Array(buffer.prefix(length))] { match = (key, length) }
        }
        if !final {
            couldGrow = map.sequences.keys.contains { $0.count > buffer.count && $0.starts(with: buffer) }
            if couldGrow { return nil }
        }
        if buffer[0] == 0x1B, buffer.count > 1 {
            // An escape sequence the map does not name: swallow it whole.
            if let length = Self.escapeLength(buffer) {
                if let match, match.length >= length { return (match.key, match.length) }
                return (nil, length)
            }
            if !final && buffer.count < 16 { return nil }  // CSI still arriving
        }
        if let match { return (match.key, match.length) }
        return (nil, 1)
    }

    /// Length of a complete CSI (ESC [ … final) or SS3 (ESC O x) sequence, 1 for an ESC that
    /// starts neither; nil while one is incomplete.
    static func escapeLength(_ b: [UInt8]) -> Int? {
        switch b[1] {
        case 0x5B:  // CSI: parameters and intermediates, then a final byte 0x40…0x7E
            var i = 2
            while i < b.count {
                if (0x40...0x7E).contains(b[i]) { return i + 1 }
                if !(0x20...0x3F).contains(b[i]) { return i }  // broken: drop up to here
                i += 1
            }
            return nil
        case 0x4F:
            return b.count >= 3 ? 3 : nil
        default:
            return 1  // a lone ESC (a keypad has no Alt key): "back", then the next byte on its own
        }
    }
}
