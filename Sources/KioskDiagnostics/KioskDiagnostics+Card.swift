import KioskCard
import KioskCore

extension KioskDiagnostics {
    /// pcscd, the readers it lists (the configured slot among them), and with `testRead` the
    /// card in the slot: only its generation and ATR are reported, never what it holds.
    static func cardChecks(_ configuration: KioskConfiguration, _ options: DiagnosticOptions) async -> [DiagnosticResult] {
        let readers: [ReaderStatus]
        do {
            readers = try await PCSCReaderDirectory().readers()
        } catch {
            let code = (error as? KioskError)?.code
            if code == .pcscUnavailable {
                return [
                    DiagnosticResult(
                        check: "pcscd", verdict: .fail, actor: .technician, detail: "pcscd does not answer: \(plain(error))",
                        action: "start pcscd (systemctl start pcscd)", actionZh: "请技术人员启动读卡服务 pcscd")
                ]
            }
            return [
                DiagnosticResult(
                    check: "pcscd", verdict: .fail, actor: .technician, detail: "listing the card readers failed: \(plain(error))",
                    action: "restart pcscd (systemctl restart pcscd) and check the reader's cable")
            ]
        }
        var results = [DiagnosticResult.ok("pcscd", "pcscd answers; \(readers.count) reader\(readers.count == 1 ? "" : "s") listed")]
        let wanted = configuration.card.reader
        let psam = configuration.card.psamReader
        let slot = wanted.isEmpty ? readers.first { $0.name != psam }?.name : wanted
        for reader in readers {
            let role = reader.name == slot ? "the card slot" : reader.name == psam ? "the PSAM's SAM slot" : "not the card slot"
            let card = reader.cardPresent ? "a card is in it" : "empty"
            results.append(.ok("reader \(reader.name)", "\(role); \(card)"))
        }
        if readers.isEmpty {
            results.append(
                DiagnosticResult(
                    check: "reader", verdict: .fail, actor: .technician, detail: "pcscd lists no card reader",
                    action: "plug the card reader in (USB), then check it appears: kioskctl card readers"))
        } else if !wanted.isEmpty, !readers.contains(where: { $0.name == wanted }) {
            results.append(
                DiagnosticResult(
                    check: "reader \(wanted)", verdict: .fail, actor: .technician,
                    detail: "the configured card slot is not among the \(readers.count) readers pcscd lists",
                    action: "check the reader's cable, or set card.reader to one of: \(readers.map(\.name).joined(separator: ", "))"))
        }
        if !psam.isEmpty { results.append(await psamCheck(configuration.card, readers)) }
        if options.testRead, let slot, let reader = readers.first(where: { $0.name == slot }) {
            results.append(await testRead(reader, authenticator: PSAMAuthenticator(site: configuration.card)))
        }
        return results
    }

    /// Reads the card with the kiosk's own code and keeps only facts about the card, not the
    /// citizen: the identity read is dropped here, inside this function.
    private static func testRead(_ reader: ReaderStatus, authenticator: PSAMAuthenticator?) async -> DiagnosticResult {
        let check = "card read"
        guard reader.cardPresent else {
            return DiagnosticResult(
                check: check, verdict: .warn, actor: .technician, detail: "no card in the slot, so nothing was read",
                action: "insert a test card and run the check again")
        }
        do {
            let reading = try await PCSCCardReader(readerName: reader.name, authenticator: authenticator).read(reader: reader.name, atr: [])
            let card = reading.result.card
            if let problem = card.protectedDataProblem, problem != .noPSAM {
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician,
                    detail: "a generation \(card.generation) card answered, but its protected fields stayed locked: \(problem.rawValue)",
                    action: "see the psam check above")
            }
            let ms = Int(reading.elapsed.components.seconds * 1000 + reading.elapsed.components.attoseconds / 1_000_000_000_000_000)
            return .ok(
                check,
                "a generation \(card.generation) social security card answered (ATR \(Hex.encode(card.atr)), \(reading.activeProtocol)) in \(ms) ms"
            )
        } catch {
            let error = error as? KioskError ?? KioskError(.cardProtocol, "\(error)")
            switch error.code {
            case .notSocialSecurityCard:
                return DiagnosticResult(
                    check: check, verdict: .warn, actor: .staff, detail: "the card in the slot is not a social security card",
                    action: "take the card out of the slot and give it back", actionZh: "卡槽里不是社保卡，请取出")
            case .cardRejected:
                return DiagnosticResult(
                    check: check, verdict: .warn, actor: .staff, detail: "the card refused the read (blocked, expired or invalid)",
                    action: "send the card holder to the counter", actionZh: "此卡已锁定或失效，请引导到人工窗口")
            case .cardRemoved, .noCard:
                return DiagnosticResult(
                    check: check, verdict: .warn, actor: .technician, detail: "the card left the slot during the read",
                    action: "leave the test card in the slot and run the check again")
            case .cardProtocol:
                // One bad card or a bad contact: try another card before opening the kiosk.
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the card answered garbage: \(error.code.rawValue)",
                    action: "try another card; if every card fails, clean or replace the reader")
            default:
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the read failed: \(error.code.rawValue)",
                    action: "restart pcscd (systemctl restart pcscd) and check the reader's cable")
            }
        }
    }
}
