import Foundation
import Testing

/// No way out of the kiosk from its keyboard: the keys and sequences that stop or suspend a
/// program in a terminal, or make a terminal answer back, and input no keypad sends (a 1 MB
/// paste, invalid UTF-8) reach kioskd as bytes to ignore. After each, the same kioskd still
/// draws the attract screen, and a citizen is still served.
@Suite(.tags(.integration), .timeLimit(.minutes(3))) struct KeypadEscapeTests {
    /// Each case: what it is, and the tmux send-keys arguments that type it.
    static let attempts: [(String, [String])] = [
        ("Ctrl-C (SIGINT in a cooked terminal)", ["C-c"]),
        ("Ctrl-Z (SIGTSTP)", ["C-z"]),
        ("Ctrl-\\ (SIGQUIT)", ["C-\\"]),
        ("Ctrl-D (end of input)", ["C-d"]),
        ("Ctrl-S / Ctrl-Q (flow control)", ["C-s", "C-q"]),
        ("Alt-F2 and F-keys", ["M-F2", "F1", "F12"]),
        ("a terminal query and title change", ["-l", "\u{1B}[6n\u{1B}]0;shell\u{07}\u{1B}[?1049l"]),
        ("bracketed paste of a command", ["-l", "\u{1B}[200~/bin/sh -i;exit\u{1B}[201~"]),
        ("a lone Esc and broken sequences", ["Escape", "-l", "\u{1B}[\u{1B}[9999999999A\u{1B}O"]),
    ]

    @Test func noKeyOrSequenceLeavesTheFrontOrStopsKioskd() async throws {
        try await KioskEndToEnd.run { kiosk in
            _ = try await kiosk.screen(contains: "请插入社保卡")
            let pid = try #require(try kiosk.kioskdPID())
            for (what, keys) in Self.attempts {
                try await kiosk.tmux.sendKeys(keys)
                try await Task.sleep(for: .milliseconds(300))
                try await Self.stillServing(kiosk, pid: pid, after: what)
            }
            // Invalid UTF-8, as raw bytes.
            try await kiosk.tmux.sendHex(["ff", "fe", "c3", "28", "e2", "82", "f0", "9f", "80"])
            try await Self.stillServing(kiosk, pid: pid, after: "invalid UTF-8")
            // 1 MB pasted at once: letters (no key of the keypad) and sequences no key sends.
            let paste = kiosk.dir.appendingPathComponent("paste.txt")
            try String(repeating: "abcdefghijklmnopqrstuvwxyz\u{1B}[9999Z", count: (1 << 20) / 33)
                .write(to: paste, atomically: true, encoding: .utf8)
            try await kiosk.tmux.paste(file: paste.path)
            try await Task.sleep(for: .seconds(2))
            try await Self.stillServing(kiosk, pid: pid, after: "a 1 MB paste")

            // And it still answers a citizen.
            let card = try kiosk.insert("gen2")
            _ = try await kiosk.screen(contains: "请选择要办理的业务", timeout: .seconds(30))
            await card.remove()
            _ = try await kiosk.screen(contains: "请插入社保卡", timeout: .seconds(30))
            #expect(try kiosk.kioskdPID() == pid)
        }
    }

    /// The same kioskd, still drawing a kiosk screen (its status line), no shell prompt; Back
    /// returns it to the attract screen (one of the keys may have opened the guides).
    static func stillServing(_ kiosk: KioskEndToEnd, pid: Int32, after what: String) async throws {
        let screen = try await kiosk.tmux.waitFor(timeout: .seconds(20)) { $0.contains("KIOSK-E2E-0001") }
        #expect(try kiosk.kioskdPID() == pid, "kioskd was stopped or replaced after \(what)")
        #expect(!screen.contains("$ ") && !screen.contains("# "), "a shell after \(what):\n\(screen)")
        if !screen.contains("请插入社保卡") {
            try await kiosk.press("Escape")
            _ = try await kiosk.tmux.waitFor(timeout: .seconds(20)) { $0.contains("请插入社保卡") }
        }
    }
}
