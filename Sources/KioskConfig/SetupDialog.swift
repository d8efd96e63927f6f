import Foundation
import KioskCore

/// The questions of `kioskctl setup`, asked only for what no flag answered, with the kiosk's own
/// readers and queues to choose from. Pure: the lines come from `ask` (nil at end of input) and
/// go to `say`, so the dialog is tested with scripted answers and run on a terminal alike.
public struct SetupDialog {
    /// What the flags said; nil is "ask". An empty `psamReader` is an answer: no PSAM.
    public struct Draft: Sendable, Equatable {
        public var kioskId: String?
        public var hall: String?
        public var hubURL: String?
        public var caCertificate: String?
        public var clientCertificate: String?
        public var clientKey: String?
        public var cardReader: String?
        public var psamReader: String?
        public var receiptQueue: String?
        public var certificateQueue: String?
        public init() {}
    }

    /// The input ended; `missing` names the flag that would have answered.
    public struct Ended: Error, Equatable {
        public let missing: [String]
        public init(missing: [String]) { self.missing = missing }
    }

    let ask: (String) -> String?
    let say: (String) -> Void

    public init(ask: @escaping (String) -> String?, say: @escaping (String) -> Void) {
        self.ask = ask
        self.say = say
    }

    /// Every flag the draft lacks, as the flag a scripted install would give.
    public static func missingFlags(_ draft: Draft, readers: [String]) -> [String] {
        var missing: [String] = []
        if draft.kioskId == nil { missing.append("--kiosk-id") }
        if draft.hubURL == nil { missing.append("--hub") }
        if draft.cardReader == nil && readers.count != 1 { missing.append("--card-reader") }
        if draft.receiptQueue == nil { missing.append("--receipt-queue") }
        if draft.certificateQueue == nil { missing.append("--a4-queue") }
        return missing
    }

    /// Asks what `draft` leaves open. `readers`/`queues` are what pcscd and cupsd list now.
    /// Throws `Ended` when the input ends before every answer is in.
    public func complete(_ draft: Draft, readers: [String], queues: [String]) throws -> SiteAnswers {
        let kioskId = try draft.kioskId ?? text("Kiosk id, as the hub knows this kiosk", key: "--kiosk-id", validate: Self.kioskIdProblem)
        let hubURL = try draft.hubURL ?? text("Hub URL (https://…)", key: "--hub", validate: Self.urlProblem)
        var ca = draft.caCertificate
        var cert = draft.clientCertificate
        var key = draft.clientKey
        if hubURL.lowercased().hasPrefix("https://"), draft.clientCertificate == nil {
            ca = try ca ?? optionalText("Hub CA certificate file (PEM; empty: the system's CAs)")
            cert = try optionalText("This kiosk's client certificate file (PEM)")
            if cert != nil { key = try key ?? text("This kiosk's client key file (PEM)", key: "--client-key", validate: { _ in nil }) }
        }
        let cardReader = try draft.cardReader ?? choose("Which reader is the card slot?", readers, key: "--card-reader")
        let psamReader =
            try draft.psamReader ?? choose(
                "Which reader holds the PSAM?", readers.filter { $0 != cardReader }, key: "--psam-reader", noneLabel: "none (no PSAM)")
            ?? ""
        let receipt =
            try draft.receiptQueue
            ?? choose(
                "Which CUPS queue prints receipts (80 mm roll)?", queues, key: "--receipt-queue",
                suggested: { $0.lowercased().contains("receipt") })
        let a4 =
            try draft.certificateQueue
            ?? choose(
                "Which CUPS queue prints A4 certificates?", queues, key: "--a4-queue", suggested: { $0.lowercased().contains("a4") })
        return SiteAnswers(
            kioskId: kioskId, hall: draft.hall, hubURL: hubURL, caCertificate: ca, clientCertificate: cert, clientKey: key,
            cardReader: cardReader ?? "", psamReader: psamReader, receiptQueue: receipt ?? "", certificateQueue: a4 ?? "")
    }

    static func kioskIdProblem(_ id: String) -> String? {
        var configuration = KioskConfiguration()
        configuration.kiosk.id = id
        return configuration.validationErrors().first { $0.hasPrefix("kiosk.id") }
    }

    static func urlProblem(_ url: String) -> String? {
        url.hasPrefix("https://") || url.hasPrefix("http://") ? nil : "an https:// address"
    }

    func text(_ question: String, key: String, validate: (String) -> String?) throws -> String {
        while true {
            guard let line = ask("\(question): ") else { throw Ended(missing: [key]) }
            let answer = line.trimmingCharacters(in: .whitespaces)
            if answer.isEmpty { continue }
            if let problem = validate(answer) {
                say("  \(problem)")
                continue
            }
            return answer
        }
    }

    func optionalText(_ question: String) throws -> String? {
        guard let line = ask("\(question): ") else { throw Ended(missing: []) }
        let answer = line.trimmingCharacters(in: .whitespaces)
        return answer.isEmpty ? nil : answer
    }

    /// A numbered list; the answer is a number, a listed name, or empty for the suggestion.
    /// With `noneLabel`, 0 chooses nothing. No choices: nothing to ask (nil).
    func choose(
        _ question: String, _ options: [String], key: String, noneLabel: String? = nil, suggested: (String) -> Bool = { _ in false }
    ) throws -> String? {
        if options.isEmpty {
            say("\(question) none is listed.")
            return nil
        }
        if options.count == 1, noneLabel == nil {
            say("\(question) \(options[0]) (the only one)")
            return options[0]
        }
        let suggestion = noneLabel == nil ? (options.firstIndex(where: suggested) ?? 0) + 1 : 0
        say(question)
        if let noneLabel { say("  0) \(noneLabel)") }
        for (index, option) in options.enumerated() { say("  \(index + 1)) \(option)") }
        while true {
            guard let line = ask("Choose [\(suggestion)]: ") else { throw Ended(missing: [key]) }
            let answer = line.trimmingCharacters(in: .whitespaces)
            if answer.isEmpty { return suggestion == 0 ? nil : options[suggestion - 1] }
            if let number = Int(answer), number == 0, noneLabel != nil { return nil }
            if let number = Int(answer), (1...options.count).contains(number) { return options[number - 1] }
            if options.contains(answer) { return answer }
            say("  answer 1 to \(options.count)\(noneLabel == nil ? "" : ", or 0 for none")")
        }
    }
}
