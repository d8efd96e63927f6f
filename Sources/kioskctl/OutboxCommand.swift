import ArgumentParser
import Foundation
import KioskCore
import KioskStore

/// `kioskctl outbox status`: what the kiosk still owes the hub (journal records, ratings), how
/// old the oldest is, and the last delivery and error, per destination.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Delivery of the journal and ratings to the hub.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pending items, oldest pending age, last delivery, last error.")
        @OptionGroup var location: StoreLocation
        @Flag(help: "Print JSON: {\"hub.journal\": {pending, oldestPendingAgeSeconds, lastDeliveryAt, lastError, …}, \"hub.ratings\": …}.")
        var json = false

        func run() async throws {
            let statuses = try await location.run { try await $0.outboxStatus() }
            if json {
                print(try JSONOutput.encode(Dictionary(uniqueKeysWithValues: statuses.map { ($0.destination, $0) })))
                return
            }
            for s in statuses {
                var line = "\(s.destination): \(s.pending) pending"
                if let age = s.oldestPendingAgeSeconds { line += ", oldest \(Self.age(age)) old" }
                if let acked = s.ackedSeq { line += ", hub holds up to seq \(acked)" }
                print(line)
                print("  last delivery: \(s.lastDeliveryAt ?? "never")")
                if let error = s.lastError {
                    print("  last error: \(error) (\(s.lastErrorAt ?? "?"); \(s.failedAttempts) failed attempts since the last delivery)")
                }
            }
        }

        static func age(_ seconds: Double) -> String {
            let s = Int(seconds)
            if s < 60 { return "\(s) s" }
            if s < 3600 { return "\(s / 60) min \(s % 60) s" }
            if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
            return "\(s / 86_400) d \(s % 86_400 / 3600) h"
        }
    }
}
