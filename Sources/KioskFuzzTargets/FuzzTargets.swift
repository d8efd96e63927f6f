import Dispatch
import Foundation
import KioskCard
import KioskConsole
import KioskCore

/// The parsers that meet outside bytes, each a function of one input: libFuzzer drives them
/// (`scripts/fuzz`, kiosk-fuzz built with `-sanitize=fuzzer,address`), and the ordinary test
/// build replays every seed and every input a fuzzer once crashed on
/// (`Tests/KioskFuzzTests/Corpus/<target>/`).
/// A target returns for any input; a crash, a trap or a sanitizer report is a finding. Where a
/// parser promises something (a scan is a token; a card's masked fields are masks), the target
/// checks it with `precondition`, so a broken promise is a finding too.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "scan-line": scanLine,
        "keypad": keypad,
        "atr": atr,
        "card": card,
        "psam": psam,
        "hub-json": hubJSON,
        "printer-reasons": printerReasons,
        "catalog": catalog,
        "keymap": keymap,
        "site-yaml": siteYAML,
        "bundle": bundle,
        "control-request": controlRequest,
    ]

    /// The QR scanner's serial bytes (ScanLineDecoder), fed in pieces the input's first byte chooses.
    static func scanLine(_ input: [UInt8]) {
        var decoder = ScanLineDecoder()
        let step = max(1, Int(input.first ?? 1))
        var events: [ScanEvent] = []
        var index = 0
        while index < input.count {
            events += decoder.feed(input[index..<min(input.count, index + step)])
            index += step
        }
        events += decoder.flush()
        for case .code(let text) in events { precondition(ScanEvent.isToken(text), "a scan that is no token passed") }
    }

    /// The keypad's terminal bytes (KeyDecoder), with a flush in the middle and at the end.
    static func keypad(_ input: [UInt8]) {
        var decoder = KeyDecoder(map: .standard)
        let half = input.count / 2
        _ = decoder.decode(input[..<half])
        _ = decoder.flush()
        _ = decoder.decode(input[half...])
        _ = decoder.flush()
    }

    /// An answer-to-reset.
    static func atr(_ input: [UInt8]) { _ = try? ATR(input) }

    /// The social security card application over a card whose every answer comes from the
    /// input: one length byte, then that many bytes (data and status word), answer after
    /// answer; a card out of answers is pulled. TLV, GBK/GB18030 text, BCD, status words and
    /// 61xx/6Cxx chains are all the card's to choose.
    static func card(_ input: [UInt8]) { blocking { await cardRead(input) } }

    /// The card target itself, for callers that are async already (the replay tests: blocking
    /// one of Swift's few cooperative threads on a semaphore could starve the read it waits for).
    public static func cardRead(_ input: [UInt8]) async {
        let app = SocialSecurityApplication(channel: ScriptedAnswers(input), authenticator: FixedCryptogram())
        if let read = try? await app.read(atr: [0x3B, 0x6D, 0x00, 0x00, 0x81, 0x86]) {
            let card = read.card
            _ = card.cardNumberMasked
            if let ssn = card.ssnMasked { precondition(ssn.contains("*") || ssn.count < 8, "an ID number shown unmasked") }
            _ = card.nameMasked
        }
    }

    /// The PSAM's answers, as `kioskctl diag` and the generation-3 relay meet them: the terminal
    /// number (EF 0016), the key check, then a cryptogram (INIT FOR DESCRYPT, DES CRYPT), one
    /// after another over one scripted PSAM (answers as for `card`). The PSAM promises that every
    /// failure is a `PSAMFailure` (never mistaken for the citizen's card), a terminal number of
    /// 12 hex digits and a cryptogram of 16 bytes.
    static func psam(_ input: [UInt8]) { blocking { await psamRelay(input) } }

    /// The PSAM target itself, for async callers (as `cardRead`).
    public static func psamRelay(_ input: [UInt8]) async {
        let psam = PSAMApplication(channel: ScriptedAnswers(input))
        func expectPSAMFailure(_ error: any Error) {
            precondition(error is PSAMFailure, "the PSAM failed with something other than a PSAMFailure: \(error)")
        }
        do {
            let number = try await psam.terminalNumber()
            precondition(number.count == 12 && number.allSatisfy(\.isHexDigit), "a terminal number that is not 12 hex digits")
        } catch { expectPSAMFailure(error) }
        do { _ = try await psam.hasKey(.standard) } catch { expectPSAMFailure(error) }
        do {
            let cryptogram = try await psam.cryptogram(
                key: .standard, challenge: [UInt8](0..<8),
                diversification: [0x11, 0x01, 0x00, 0xD1, 0x56, 0x00, 0x00, 0x05] + [UInt8](1...8))
            precondition(cryptogram.count == 16, "a cryptogram that is not 16 bytes")
        } catch { expectPSAMFailure(error) }
    }

    /// The targets that are async at heart, for callers that are async already.
    public static let replayedAsync: [String: @Sendable ([UInt8]) async -> Void] = ["card": cardRead, "psam": psamRelay]

    /// Every hub answer the client decodes, problem+json included.
    static func hubJSON(_ input: [UInt8]) {
        let data = Data(input)
        let decoder = JSONDecoder()
        _ = try? decoder.decode(HubSubject.self, from: data)
        _ = try? decoder.decode(StaffAssistant.self, from: data)
        _ = try? decoder.decode([ContributionRow].self, from: data)
        _ = try? decoder.decode([PensionPayment].self, from: data)
        _ = try? decoder.decode(HubCertificate.self, from: data)
        _ = try? decoder.decode(VerificationSession.self, from: data)
        _ = try? decoder.decode(VerificationState.self, from: data)
        _ = try? decoder.decode(HubProblem.self, from: data)
        if let subject = try? decoder.decode(HubSubject.self, from: data) { _ = Masking.name(subject.displayName) }
    }

    /// IPP printer-state-reasons as cupsd reports them (comma-separated here).
    static func printerReasons(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let reasons = text.split(separator: ",").map(String.init)
        for state in ["idle", "processing", "stopped", text] {
            _ = PrinterCondition.from(state: state, reasons: reasons)
            _ = PrinterCondition.fromQueueOnly(state: state, reasons: reasons, acceptingJobs: input.count % 2 == 0)
        }
    }

    /// kiosk-config/services.json, as a bundle brings it.
    static func catalog(_ input: [UInt8]) { _ = try? ServiceCatalog(jsonData: Data(input)) }

    /// kiosk-config/keymap.json, as a bundle brings it; then the keymap decodes the same bytes.
    static func keymap(_ input: [UInt8]) {
        guard let map = try? KeyMap(jsonData: Data(input)) else { return }
        var decoder = KeyDecoder(map: map)
        _ = decoder.decode(input)
        _ = decoder.flush()
    }

    /// Runs async code to its end from the fuzzer's synchronous callback (libFuzzer's own thread,
    /// not one of the cooperative pool's).
    static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// A card that answers from a script of length-prefixed answers.
final class ScriptedAnswers: CardChannel, @unchecked Sendable {
    private let lock = NSLock()
    private var rest: ArraySlice<UInt8>

    init(_ script: [UInt8]) { rest = script[...] }

    func transmit(_ command: [UInt8]) async throws -> [UInt8] {
        try lock.withLock {
            guard let length = rest.first else { throw KioskError(.cardRemoved, "the scripted card has no more answers") }
            rest = rest.dropFirst()
            let answer = Array(rest.prefix(Int(length)))
            rest = rest.dropFirst(Int(length))
            return answer
        }
    }
}

/// A PSAM that always answers, so a generation-3 card's protected files are read too.
struct FixedCryptogram: CardAuthenticator {
    func cryptogram(challenge: [UInt8], cardIdentifier: [UInt8]) async throws -> [UInt8] { [UInt8](repeating: 0x5A, count: 16) }
}
