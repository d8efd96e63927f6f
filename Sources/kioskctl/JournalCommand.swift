import ArgumentParser
import Foundation
import KioskConfig
import KioskCore
import KioskStore

/// `kioskctl journal tail|verify|export|find`: the kiosk's electronic journal, read straight from
/// the store file. Opening is read-only: these commands never create, migrate or write it.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Read and check the journal (every service's trace).",
        subcommands: [Tail.self, Verify.self, Export.self, Find.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the newest records, oldest first.")
        @OptionGroup var location: StoreLocation
        @Option(name: .short, help: "How many records.") var n = 20
        @Flag(help: "Print JSON lines.") var json = false

        func run() async throws {
            let records = try await location.run { try await $0.tail(n) }
            for record in records { print(json ? try JSONOutput.encode(record) : JournalCommand.line(record)) }
            if records.isEmpty && !json { print("the journal is empty") }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every record's hash and link from the anchor.",
            discussion:
                "Exit status: 0 the chain is intact; 1 it is not (the first bad seq and why: edited, deleted, reordered), or the store cannot be read."
        )
        @OptionGroup var location: StoreLocation
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let result = try await location.run { try await $0.verifyJournal() }
            if json {
                print(try JSONOutput.encode(result))
            } else if let problem = result.problem {
                print("journal broken at seq \(problem.seq): \(problem.reason.rawValue): \(problem.detail)")
                print(
                    "(\(result.records) records before it verified\(result.anchorSeq > 0 ? ", from the anchor at seq \(result.anchorSeq)" : ""))"
                )
            } else {
                let from = result.anchorSeq > 0 ? "from the anchor at seq \(result.anchorSeq)" : "from the first record"
                print("journal intact: \(result.records) records \(from) to seq \(result.lastSeq)")
            }
            if result.problem != nil { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print records as JSON lines, oldest first.")
        @OptionGroup var location: StoreLocation
        @Option(help: "Only records at or after this time (RFC 3339, or YYYY-MM-DD as UTC midnight).") var since: String?

        func run() async throws {
            var from: Date?
            if let since {
                guard let date = StoreTime.parse(since) ?? StoreTime.parse(since + "T00:00:00Z") else {
                    throw ValidationError("--since takes an RFC 3339 time (2025-03-01T08:00:00Z) or a date (2025-03-01)")
                }
                from = date
            }
            try await location.run { store in
                try await store.forEachRecord(since: from) { record in
                    FileHandle.standardOutput.write(Data((try JSONOutput.encode(record) + "\n").utf8))
                }
            }
        }
    }

    static func line(_ r: JournalRecord) -> String {
        var fields = ["\(r.seq)", r.time, r.kind.rawValue]
        if let session = r.sessionId { fields.append("session=\(session)") }
        if let subject = r.subjectRef { fields.append("subject=\(subject.prefix(12))…") }
        for key in r.display.keys.sorted() { fields.append("\(key)=\(r.display[key]!)") }
        for key in r.payload.keys.sorted() { fields.append("\(key)=\(r.payload[key]!)") }
        return fields.joined(separator: "  ")
    }
}

/// Where the store file is: `--db`, else `store.path` of the configuration file.
extension JournalCommand {
    /// A printed paper's code checked against this kiosk's own journal, as the hub checks it
    /// against its copy (`GET /v1/documents/{code}`): for a technician with the paper in hand and
    /// no hub. A receipt's code names its record; a certificate's is the hub's verification code,
    /// found in the record of its print.
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a printed paper's code (a receipt's R-…, a certificate's verification code) against this kiosk's journal.",
            discussion: "Exit 0 valid; 1 mismatch, unknown, not printed or pruned; 2 not a code.")
        @Argument(help: "The code printed on the paper, e.g. R-1042-3fa9c1d2-KIOSK-0001, or a certificate's verification code.")
        var code: String
        @OptionGroup var location: StoreLocation
        @Flag(help: "Print JSON.") var json = false

        struct Answer: Encodable {
            var code: String
            var kind = "receipt"
            /// valid, mismatch, unknown, or pruned (older than the journal's retention: ask the hub).
            var status: String
            var kioskId: String
            var seq: Int
            var issuedAt: String?
        }

        func run() async throws {
            guard let parsed = DocumentCode(code) else {
                // R-… is a receipt's shape: mistyped, it is not taken for a certificate's code.
                if code.hasPrefix("R-") {
                    FileHandle.standardError.write(Data("kioskctl: '\(code)' is not a receipt code (R-seq-hash8-kiosk)\n".utf8))
                    throw ExitCode(2)
                }
                try await findCertificate()
                return
            }
            let (record, anchor) = try await location.run { store in
                (try await store.records(after: parsed.seq - 1, limit: 1).first, try await store.journalAnchor())
            }
            var answer = Answer(code: parsed.text, status: "unknown", kioskId: parsed.kioskId, seq: parsed.seq)
            if let record, record.seq == parsed.seq, record.kioskId == parsed.kioskId {
                answer.status = parsed.verdict(recordHash: record.hash).rawValue
                if answer.status == "valid" { answer.issuedAt = record.time }
            } else if let anchor, parsed.seq <= anchor.seq, record?.kioskId ?? parsed.kioskId == parsed.kioskId {
                answer.status = "pruned"
            }
            if json {
                print(try JSONOutput.encode(answer))
            } else {
                switch answer.status {
                case "valid": print("valid: record \(parsed.seq) of \(parsed.kioskId), issued \(answer.issuedAt ?? "")")
                case "mismatch": print("mismatch: record \(parsed.seq) of this kiosk has another hash: the paper is not this kiosk's")
                case "pruned": print("pruned: record \(parsed.seq) is older than this kiosk keeps; the hub holds it")
                default: print("unknown: this kiosk's journal has no record \(parsed.seq) of \(parsed.kioskId)")
                }
            }
            if answer.status != "valid" { throw ExitCode(1) }
        }
    }
}

extension JournalCommand.Find {
    /// What a certificate's verification code finds in this kiosk's journal.
    struct CertificateAnswer: Encodable {
        var code: String
        var kind = "certificate"
        /// valid (printed here), not-printed (its print ended otherwise), uncertain (the kiosk
        /// could not tell whether it came out), or unknown (not in this kiosk's journal: another
        /// kiosk's, older than it keeps, or not a real code).
        var status: String
        var kioskId: String?
        var seq: Int?
        var certificateNo: String?
        var printState: String?
        var issuedAt: String?
    }

    /// Looks for the print record that carries `code` as its verification code (the newest one:
    /// a certificate printed again after a jam has two).
    func findCertificate() async throws {
        guard !code.isEmpty, code.count <= 64, code.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
            FileHandle.standardError.write(
                Data("kioskctl: '\(code)' is neither a receipt code (R-seq-hash-kiosk) nor a certificate's verification code\n".utf8))
            throw ExitCode(2)
        }
        let found = try await location.run { store in
            var after = try await store.journalAnchor()?.seq ?? 0
            var newest: JournalRecord?
            // A print the kiosk could not follow to its end is settled later by a reconciled
            // record of the same request, which says what became of the paper.
            var settled: String?
            while true {
                let batch = try await store.records(after: after, limit: 1000)
                guard let last = batch.last else { break }
                for record in batch where record.kind == .print {
                    if record.payload["verificationCode"] == .string(code) {
                        newest = record
                        settled = nil
                    } else if let newest, record.payload["reconciled"] == .bool(true),
                        record.payload["requestId"] == newest.payload["requestId"]
                    {
                        settled = record.payload["state"]?.string
                    }
                }
                after = last.seq
            }
            return newest.map { (record: $0, state: settled ?? $0.payload["state"]?.string) }
        }
        var answer = CertificateAnswer(code: code, status: "unknown")
        if let (found, state) = found {
            // "unknown" is the print's own word for paper that may or may not have come out.
            answer.status = state == "completed" ? "valid" : (state == "unknown" ? "uncertain" : "not-printed")
            answer.kioskId = found.kioskId
            answer.seq = found.seq
            answer.certificateNo = found.payload["certificateNo"]?.string
            answer.printState = state
            answer.issuedAt = found.time
        }
        if json {
            print(try JSONOutput.encode(answer))
        } else {
            switch answer.status {
            case "valid":
                print("valid: certificate \(answer.certificateNo ?? "") printed here, record \(answer.seq ?? 0), \(answer.issuedAt ?? "")")
            case "uncertain":
                print("uncertain: record \(answer.seq ?? 0) could not tell whether the certificate came out; ask the hub")
            case "not-printed":
                print("not printed: record \(answer.seq ?? 0) says its print ended \(answer.printState ?? "otherwise"); ask the hub")
            default:
                print("unknown: no print of this certificate in this kiosk's journal; the hub checks every kiosk's")
            }
        }
        if answer.status != "valid" { throw ExitCode(1) }
    }
}

struct StoreLocation: ParsableArguments {
    @Option(help: "The kiosk configuration (its store.path names the database).") var config = "/etc/kioskd/kiosk.yaml"
    @Option(help: "The database file (overrides the configuration).") var db: String?

    func path() throws -> String {
        if let db { return db }
        return try ConfigurationLoader.load(path: config).store.path
    }

    /// Opens the store read-only and runs `body`; any store error is one plain line and exit 1.
    func run<T>(_ body: (KioskStore) async throws -> T) async throws -> T {
        do {
            let store = try KioskStore.openReadOnly(path: try path())
            return try await body(store)
        } catch let error as KioskError {
            FileHandle.standardError.write(Data("kioskctl: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
