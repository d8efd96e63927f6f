import Foundation
import KioskCore
import KioskStore

#if canImport(Glibc)
    import Glibc
#endif

extension KioskDiagnostics {
    /// The store, read-only: the file, SQLite's integrity check, the journal's hash chain, free
    /// disk on its file system, and the outbox backlog. The disk is checked also when there is
    /// no file yet (kioskd will need the space to create it).
    static func storeChecks(_ configuration: KioskConfiguration) async -> [DiagnosticResult] {
        let path = configuration.store.path
        var results: [DiagnosticResult] = []
        let exists = FileManager.default.fileExists(atPath: path)
        var store: KioskStore?
        if !exists {
            results.append(
                DiagnosticResult(
                    check: "store", verdict: .warn, actor: .technician, detail: "the store \(path) is not created yet",
                    action: "start kioskd once (it creates the store); if it ran before, check store.path in the configuration"))
        } else {
            do {
                store = try KioskStore.openReadOnly(path: path)
                results.append(.ok("store", "\(path) opens"))
            } catch {
                results.append(
                    DiagnosticResult(
                        check: "store", verdict: .fail, actor: .technician, detail: "the store cannot be opened: \(plain(error))",
                        action: "keep the file as it is and call support; do not delete it (it holds the journal)"))
            }
        }
        if let store {
            results.append(await integrity(store))
            results.append(await journal(store))
        }
        results.append(await disk(path))
        if let store {
            results.append(await outbox(store))
            try? store.close()
        }
        return results
    }

    private static func integrity(_ store: KioskStore) async -> DiagnosticResult {
        do {
            let findings = try await store.integrityCheck()
            if findings == ["ok"] { return .ok("store integrity", "SQLite finds the file whole") }
            return DiagnosticResult(
                check: "store integrity", verdict: .fail, actor: .technician,
                detail:
                    "SQLite finds the file damaged (\(findings.count) finding\(findings.count == 1 ? "" : "s"), first: \(findings.first ?? "?"))",
                action: "stop kioskd, keep a copy of the file, and call support to restore it")
        } catch {
            return DiagnosticResult(
                check: "store integrity", verdict: .fail, actor: .technician, detail: "the integrity check failed: \(plain(error))",
                action: "stop kioskd, keep a copy of the file, and call support")
        }
    }

    /// A broken chain is evidence (records changed or deleted): the city centre audits it.
    private static func journal(_ store: KioskStore) async -> DiagnosticResult {
        do {
            let verification = try await store.verifyJournal()
            guard let problem = verification.problem else {
                return .ok("store journal", "\(verification.records) records chained up to seq \(verification.lastSeq)")
            }
            return DiagnosticResult(
                check: "store journal", verdict: .fail, actor: .operations,
                detail: "the journal's hash chain breaks at seq \(problem.seq): \(problem.reason.rawValue)",
                action: "do not touch the file; tell the city centre (kioskctl journal verify shows the details)")
        } catch {
            return DiagnosticResult(
                check: "store journal", verdict: .fail, actor: .technician, detail: "the journal cannot be verified: \(plain(error))",
                action: "keep the file as it is and call support")
        }
    }

    private static func disk(_ path: String) async -> DiagnosticResult {
        // The nearest folder that exists: the store's own, or where it will be created.
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" { folder = folder.deletingLastPathComponent() }
        let target = folder.path
        let measured: (free: Int64, total: Int64)? = await offPool {
            var info = statvfs()
            guard statvfs(target, &info) == 0 else { return nil }
            return (Int64(info.f_bavail) * Int64(info.f_frsize), Int64(info.f_blocks) * Int64(info.f_frsize))
        }
        guard let measured else {
            return DiagnosticResult(
                check: "store disk", verdict: .fail, actor: .technician, detail: "the free space of \(target) cannot be read",
                action: "check the disk (df -h \(target))")
        }
        let percent = measured.total > 0 ? Int((Double(measured.free) / Double(measured.total) * 100).rounded(.down)) : 0
        let judgement = DiagnosticRules.disk(freeBytes: measured.free, totalBytes: measured.total)
        let state = judgement.verdict == .fail ? "disk almost full: " : judgement.verdict == .warn ? "disk filling up: " : ""
        return result(
            "store disk", judgement, "\(state)\(megabytes(measured.free)) free of \(megabytes(measured.total)) (\(percent) %) on \(target)")
    }

    private static func outbox(_ store: KioskStore) async -> DiagnosticResult {
        do {
            let destinations = try await store.outboxStatus()
            let pending = destinations.reduce(0) { $0 + $1.pending }
            let oldest = destinations.compactMap(\.oldestPendingAgeSeconds).max()
            let failed = destinations.contains { $0.pending > 0 && $0.lastError != nil }
            let judgement = DiagnosticRules.outbox(pending: pending, oldestAgeSeconds: oldest, lastDeliveryFailed: failed)
            var detail = "\(pending) record\(pending == 1 ? "" : "s") waiting for the hub"
            if let oldest { detail += ", the oldest for \(Int(oldest / 60)) min" }
            if failed { detail += "; the last delivery failed" }
            return result("store outbox", judgement, detail)
        } catch {
            return DiagnosticResult(
                check: "store outbox", verdict: .warn, actor: .technician, detail: "the outbox cannot be read: \(plain(error))",
                action: "check the store (kioskctl outbox status)")
        }
    }
}
