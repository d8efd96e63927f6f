import CCUPS
import KioskCore

/// Lists the queues cupsd knows with their state and reasons: the printer half of
/// `kioskctl devices`. Asks cupsd by IPP (CUPS-Get-Printers), never cupsGetDests2, which
/// browses DNS-SD and returns the advertised printer instead of the local queue.
public actor CUPSPrinterDirectory: PrinterDirectory {
    private let executor = BlockingExecutor(label: "kioskd.cups.directory")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let timeoutMs: Int32

    public init(timeoutMs: Int32 = 5000) {
        self.timeoutMs = timeoutMs
    }

    public func printers() throws -> [PrinterStatus] {
        try KioskError.during("listing printers") {
            let connection = try CUPSConnection(timeoutMs: timeoutMs)
            let request = IPPRequest(IPP_OP_CUPS_GET_PRINTERS)
            request.add("requested-attributes", keywords: ["printer-name", "printer-state", "printer-state-reasons"])
            let response = try connection.perform(request, notFoundIsEmpty: true)
            return response.groups.compactMap { group in
                guard let name = group["printer-name"]?.first else { return nil }
                let reasons = (group["printer-state-reasons"] ?? []).filter { $0 != "none" && !$0.isEmpty }
                return PrinterStatus(name: name, state: printerStateWord(group["printer-state"]?.first), reasons: reasons)
            }.sorted { $0.name < $1.name }
        }
    }
}
