import KioskCore

extension DeviceSurvey {
    /// The site file's devices against what pcscd and cupsd list now: a reader or queue name that
    /// is not there, one line each with the names that are. Said by `kioskctl setup` before it
    /// writes, and by kioskd when it starts (a reader may be unplugged and come back, so kioskd
    /// says it and goes on).
    public func siteProblems(_ configuration: KioskConfiguration) -> [SiteProblem] {
        var problems: [SiteProblem] = []
        switch readers {
        case .failure(let error):
            problems.append(SiteProblem("card.reader", "pcscd does not answer (\(error.message))", action: "systemctl start pcscd"))
        case .success(let list):
            let names = list.map(\.name)
            let listed = names.isEmpty ? "none" : names.map { "'\($0)'" }.joined(separator: ", ")
            for (key, name) in [("card.reader", configuration.card.reader), ("card.psamReader", configuration.card.psamReader)]
            where !name.isEmpty && !names.contains(name) {
                problems.append(
                    SiteProblem(
                        key, "no reader '\(name)' (pcscd lists \(listed))",
                        action: "plug the reader in, or set \(key) to a listed name (kioskctl setup)"))
            }
            if !configuration.card.reader.isEmpty, configuration.card.reader == configuration.card.psamReader {
                problems.append(
                    SiteProblem("card.psamReader", "the PSAM's reader is also the card slot", action: "name two different readers"))
            }
        }
        switch printers {
        case .failure(let error):
            problems.append(SiteProblem("printers", "cupsd does not answer (\(error.message))", action: "systemctl start cups"))
        case .success(let list):
            let names = list.map(\.name)
            let listed = names.isEmpty ? "none" : names.joined(separator: ", ")
            for (key, queue) in [
                ("printers.receipt", configuration.printers.receipt), ("printers.certificate", configuration.printers.certificate),
            ]
            where !names.contains(queue) {
                problems.append(
                    SiteProblem(
                        key, "no CUPS queue '\(queue)' (cupsd has \(listed))",
                        action: "add it with lpadmin, or set \(key) to a listed queue (kioskctl setup)"))
            }
        }
        return problems
    }
}
