import KioskCard
import KioskCore

extension KioskDiagnostics {
    /// The PSAM in its SAM slot: the reader listed, a card in it, that card a PSAM (its terminal
    /// number read) holding the configured key. Without it, generation-3 citizens get no service
    /// that needs their holder data, so every failure is the technician's to fix.
    static func psamCheck(_ card: KioskConfiguration.Card, _ readers: [ReaderStatus]) async -> DiagnosticResult {
        let check = "psam"
        guard let reader = readers.first(where: { $0.name == card.psamReader }) else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician,
                detail: "the PSAM's reader \(card.psamReader) is not among the readers pcscd lists",
                action: "check the SAM reader's cable, or set card.psamReader to the reader holding the PSAM",
                actionZh: "请技术人员检查 PSAM 读卡器连接")
        }
        guard reader.cardPresent else {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "the SAM slot in \(reader.name) is empty",
                action: "insert the kiosk's PSAM into the SAM slot; until then generation-3 cards get no personal services",
                actionZh: "请技术人员插入 PSAM 卡")
        }
        let key = PSAMAuthenticator(site: card)?.key ?? .standard
        do {
            let (number, keyPresent) = try await PSAMAuthenticator.identify(reader: reader.name, key: key)
            guard keyPresent else {
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician,
                    detail: "PSAM \(number) has no key usage \(card.psamKey.prefix(2)) version \(card.psamKey.suffix(2))",
                    action: "check card.psamKey against the PSAM's issuance papers, or fit the PSAM issued for this kiosk")
            }
            return .ok(check, "PSAM \(number) answers in \(reader.name) and holds key \(card.psamKey)")
        } catch let failure as PSAMFailure {
            switch failure.problem {
            case .notPSAM:
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the card in the SAM slot is not a PSAM (\(failure.detail))",
                    action: "take that card out of the SAM slot and insert the kiosk's PSAM", actionZh: "SAM 卡座里不是 PSAM 卡，请更换")
            case .psamMissing:
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the PSAM cannot be reached: \(failure.detail)",
                    action: "reseat the PSAM, check the SAM reader, then run the check again")
            default:
                return DiagnosticResult(
                    check: check, verdict: .fail, actor: .technician, detail: "the PSAM answers an error: \(failure.detail)",
                    action: "replace the PSAM (ask the card issuer for a new one)", actionZh: "PSAM 卡故障，请联系发卡机构更换")
            }
        } catch {
            return DiagnosticResult(
                check: check, verdict: .fail, actor: .technician, detail: "the PSAM check failed: \(plain(error))",
                action: "reseat the PSAM, check the SAM reader, then run the check again")
        }
    }
}
