import Dispatch
import Foundation
import KioskCore

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl diag` and the control socket's `GET /v1/diag`: every check a technician needs, each
/// independent of the others, each ending in results (a check never throws; what failed is a
/// result that says so and who acts). The families run side by side; the list comes back in a
/// fixed order: card, printers, hub, store, camera, scanner and voice (when there are), terminal.
public enum KioskDiagnostics {
    public static func run(configuration: KioskConfiguration, options: DiagnosticOptions) async -> [DiagnosticResult] {
        if let server = options.cupsServer, !server.isEmpty {
            // libcups keeps its server per thread; its calls run on threads of their own, which
            // all read CUPS_SERVER when they first use libcups. See DiagnosticOptions.cupsServer.
            setenv("CUPS_SERVER", server, 1)
        }
        async let card = cardChecks(configuration, options)
        async let printers = printerChecks(configuration, options)
        async let hub = hubChecks(configuration)
        async let store = storeChecks(configuration)
        async let camera = cameraCheck(configuration.camera, testCapture: options.testCamera)
        let terminal = terminalCheck(ttyPath: options.ttyPath)
        async let voice = voiceCheck(configuration.voice)
        var results: [DiagnosticResult] = await card + printers + hub
        results += await store
        results.append(await camera)
        if let scanner = scannerCheck(configuration.scanner) { results.append(scanner) }
        if let voice = await voice { results.append(voice) }
        results.append(terminal)
        return results
    }

    /// A result from a judgement: the detail is what was seen, the judgement says the rest.
    static func result(_ check: String, _ judgement: DiagnosticRules.Judgement, _ detail: String) -> DiagnosticResult {
        DiagnosticResult(
            check: check, verdict: judgement.verdict, actor: judgement.actor, detail: detail, action: judgement.action,
            actionZh: judgement.actionZh)
    }

    /// An error's message without the "while …" layers: plain enough for a technician.
    /// The advice the adapters append ("; start it: …") is left out: the action says it.
    static func plain(_ error: any Error) -> String {
        let message = (error as? KioskError)?.message ?? "\(error)"
        return message.range(of: "; start it").map { String(message[..<$0.lowerBound]) } ?? message
    }

    /// Runs a blocking C call (getaddrinfo, connect, statvfs) on a thread of its own: the
    /// cooperative pool has two threads on a kiosk (docs/pitfalls.md).
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.0f MB", Double(bytes) / 1_048_576)
    }
}
