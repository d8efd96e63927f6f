import Foundation
import KioskCore
import KioskStore
import Testing

@Suite struct RetentionTests {
    static let day: Duration = .seconds(86_400)

    /// 10 records a day apart, the first 60 days ago.
    static func journal(_ store: KioskStore, now: Date) async throws {
        for i in 0..<10 { _ = try await store.append(Fixture.entry(i), at: now.addingTimeInterval(Double(i - 60) * 86_400)) }
    }

    @Test func prunesOnlyWhatTheHubAcknowledgedAndKeepsTheChainVerifiable() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let now = Date()
        try await Self.journal(store, now: now)
        #expect(try await store.pruneJournal(olderThan: Self.day * 30, now: now) == 0)
        try await store.acknowledgeJournal(through: 4)
        #expect(try await store.pruneJournal(olderThan: Self.day * 30, now: now) == 4)
        let anchor = try #require(try await store.journalAnchor())
        #expect(anchor.seq == 4)
        #expect(anchor.prunedCount == 4)
        let verification = try await store.verifyJournal()
        #expect(verification.problem == nil)
        #expect(verification.anchorSeq == 4)
        #expect(verification.records == 6)
        // Young records stay even when acknowledged.
        try await store.acknowledgeJournal(through: 10)
        #expect(try await store.pruneJournal(olderThan: Self.day * 55, now: now) == 1)
        #expect(try await store.journalAnchor()?.prunedCount == 5)
        #expect(try await store.verifyJournal().problem == nil)
        // The chain goes on from the remaining records.
        let next = try await store.append(Fixture.entry(10))
        #expect(next.seq == 11)
        #expect(try await store.verifyJournal().problem == nil)
    }

    @Test func everythingPrunedStillContinuesFromTheAnchor() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let now = Date()
        try await Self.journal(store, now: now)
        let head = try await store.journalHead()
        try await store.acknowledgeJournal(through: 10)
        #expect(try await store.pruneJournal(olderThan: Self.day, now: now) == 10)
        #expect(try await store.journalHead() == head)
        let reopened = try Fixture.openStore(folder)
        let next = try await reopened.append(Fixture.entry(10))
        #expect(next.seq == 11)
        #expect(next.prevHash == head.hash)
        #expect(try await reopened.verifyJournal().problem == nil)
    }

    @Test func recordsRemovedBehindTheAnchorsBackAreCaught() async throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder)
        let now = Date()
        try await Self.journal(store, now: now)
        try await store.acknowledgeJournal(through: 3)
        try await store.pruneJournal(olderThan: Self.day, now: now)
        try Fixture.tamper(store.path, "DELETE FROM journal WHERE seq = 4")
        let problem = try #require(try await store.verifyJournal().problem)
        #expect(problem.seq == 4)
        #expect(problem.reason == .deleted)
    }
}

@Suite struct HealthTests {
    @Test func enoughSpaceLetsSessionsStart() throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder, minimumFreeBytes: 1)
        let health = store.health()
        #expect(health.canStartSessions)
        #expect(health.reason == nil)
        #expect(try store.diskSpace() == health.freeBytes || health.freeBytes > 0)
    }

    @Test func tooLittleSpaceStopsNewSessionsAndSaysWhy() throws {
        let folder = try TemporaryFolder()
        let store = try Fixture.openStore(folder, minimumFreeBytes: 1 << 60)
        let health = store.health()
        #expect(!health.canStartSessions)
        #expect(health.reason?.contains("disk is nearly full") == true)
        #expect(health.minimumFreeBytes == 1 << 60)
    }

    @Test func theDefaultThresholdIsFiftyMegabytes() {
        #expect(KioskStore.Options(kioskId: "K").minimumFreeBytes == 50 * 1024 * 1024)
    }
}

@Suite struct SubjectKeyTests {
    @Test func createdOnceWithOwnerOnlyPermissionsAndStable() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("subject.key")
        let first = try SubjectKey.loadOrCreate(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try SubjectKey.loadOrCreate(path: path)
        let ref = first.subjectRef(ssn: "11010519491231002X")
        #expect(ref == again.subjectRef(ssn: "11010519491231002x"))
        #expect(ref.count == 64)
        #expect(!ref.contains("1101051949"))
        #expect(SubjectKey(bytes: Array(repeating: 1, count: 32)).subjectRef(ssn: "11010519491231002X") != ref)
    }

    @Test func isHMACSHA256OfTheNumber() {
        // python3 -c "import hmac,hashlib;print(hmac.new(bytes(32),b'11010519491231002X',hashlib.sha256).hexdigest())"
        #expect(
            SubjectKey(bytes: Array(repeating: 0, count: 32)).subjectRef(ssn: "11010519491231002X")
                == "51252b5b149fa5e29dae30a60a411d3675cf25f2b7e5d1ad65797b86094b63b7")
    }

    @Test func refusesAKeyOthersCanRead() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("subject.key")
        _ = try SubjectKey.loadOrCreate(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = #expect(throws: KioskError.self) { try SubjectKey.loadOrCreate(path: path) }
        #expect(error?.description.contains("chmod 600") == true)
    }
}
