import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KioskConfig
import KioskControl
import KioskControlServer
import KioskCore
import KioskDiagnostics
import KioskTesting
import Logging
import Testing

/// The control socket's routes in process: who may do what, what is journalled, what reaches the
/// supervisor's desk. The caller is named by a header that only this test's context reads;
/// kioskd's own context asks the kernel (SO_PEERCRED) and nothing else.
@Suite struct ControlRoutesTests {
    static let technician = PeerIdentity(uid: 1001, gid: 1001, pid: 1, user: "tech", duties: [.technician])
    static let operations = PeerIdentity(uid: 1002, gid: 1002, pid: 1, user: "ops", duties: [.operations])
    static let nobody = PeerIdentity(uid: 1003, gid: 1003, pid: 1, user: "guest", duties: [])

    struct Rig {
        let control = KioskControlState()
        let desk = ConfigDesk()
        let store = InMemoryRecordStore()
        let diagnosed = DiagnosedLog()

        func app() async -> some ApplicationProtocol {
            await control.setStore(store)
            var site = KioskConfiguration()
            site.kiosk.id = "KIOSK-T-0001"
            let diagnosed = self.diagnosed
            let settings = ControlServerSettings(
                site: site,
                diagnose: { _, options in
                    await diagnosed.add(options)
                    return [.ok("printer.receipt", "ready")]
                })
            let router = Router(context: TestControlContext.self)
            router.add(middleware: TestPeerMiddleware())
            ControlRoutes<TestControlContext>(settings: settings, control: control, desk: desk, logger: Logger(label: "test.control"))
                .add(to: router)
            return Application(router: router)
        }
    }

    static func headers(_ peer: PeerIdentity) -> HTTPFields {
        [TestPeerMiddleware.header: "\(peer.uid):\(peer.user):\(peer.duties.map(\.rawValue).sorted().joined(separator: ","))"]
    }

    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    @Test func theStatusIsForEveryKioskDutyAndNobodyElse() async throws {
        let rig = Rig()
        try await rig.app().test(.router) { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.headers(Self.operations)) { response in
                #expect(response.status == .ok)
                let status = try JSONDecoder.control.decode(KioskStatusAnswer.self, from: Data(buffer: response.body))
                #expect(status.kioskId == "KIOSK-T-0001" && status.idle && !status.maintenance.on)
            }
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.headers(Self.nobody)) { response in
                #expect(response.status == .forbidden)
                let problem = try JSONDecoder().decode(ControlProblem.self, from: Data(buffer: response.body))
                #expect(problem.detail.contains("is in no kiosk group") && problem.detail.contains("kiosk-ops or kiosk-tech"))
            }
        }
    }

    @Test func maintenanceNeedsATechnicianAndAReasonAndIsJournalledWithTheUid() async throws {
        let rig = Rig()
        try await rig.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/maintenance", method: .post, headers: Self.headers(Self.operations), body: Self.body(#"{"on":true,"reason":"x"}"#)
            ) { response in #expect(response.status == .forbidden) }
            try await client.execute(
                uri: "/v1/maintenance", method: .post, headers: Self.headers(Self.technician), body: Self.body(#"{"on":true}"#)
            ) { response in #expect(response.status == .badRequest) }
            try await client.execute(
                uri: "/v1/maintenance", method: .post, headers: Self.headers(Self.technician),
                body: Self.body(#"{"on":true,"reason":" 更换打印纸 "}"#)
            ) { response in
                #expect(response.status == .ok)
                let state = try JSONDecoder.control.decode(MaintenanceState.self, from: Data(buffer: response.body))
                #expect(state.on && state.reason == "更换打印纸" && state.uid == 1001)
            }
        }
        #expect(await rig.control.maintenance.on)
        #expect(rig.store.journal.map(\.kind) == [.maintenance])
        #expect(rig.store.journal.first?.payload == ["on": .bool(true), "reason": .string("更换打印纸"), "uid": .int(1001)])
    }

    @Test func aBundleGoesToTheDeskAndItsOutcomeComesBack() async throws {
        let rig = Rig()
        let supervisor = Task {
            for await request in rig.desk.requests {
                guard case .apply(let data, let source, let uid, let reply) = request else { continue }
                reply(ConfigOutcome(.applied, version: data.count, reason: "\(source) \(uid ?? 0)"))
            }
        }
        defer { supervisor.cancel() }
        try await rig.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/config/apply", method: .post, headers: Self.headers(Self.technician), body: Self.body("1234")
            ) { response in #expect(response.status == .forbidden) }
            try await client.execute(
                uri: "/v1/config/apply", method: .post, headers: Self.headers(Self.operations), body: Self.body("1234")
            ) { response in
                #expect(response.status == .ok)
                let outcome = try JSONDecoder.control.decode(ConfigOutcome.self, from: Data(buffer: response.body))
                #expect(outcome == ConfigOutcome(.applied, version: 4, reason: "kioskctl 1002"))
            }
        }
        rig.desk.close()
    }

    @Test func aTestReadNeedsMaintenanceAndATestPageIsJournalled() async throws {
        let rig = Rig()
        try await rig.app().test(.router) { client in
            try await client.execute(uri: "/v1/diag?testRead=1", method: .get, headers: Self.headers(Self.technician)) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/v1/diag?testPage=1", method: .get, headers: Self.headers(Self.technician)) { response in
                #expect(response.status == .ok)
                let results = try JSONDecoder().decode([DiagnosticResult].self, from: Data(buffer: response.body))
                #expect(results.map(\.check) == ["printer.receipt"])
            }
        }
        #expect(await rig.diagnosed.all.map(\.testPage) == [true])
        #expect(rig.store.journal.map(\.kind) == [.maintenance])
        #expect(
            rig.store.journal.first?.payload
                == ["action": .string("diag"), "testPage": .bool(true), "testRead": .bool(false), "uid": .int(1001)])
    }
}

actor DiagnosedLog {
    private(set) var all: [DiagnosticOptions] = []
    func add(_ options: DiagnosticOptions) { all.append(options) }
}

/// A request context whose caller is whoever the test says.
struct TestControlContext: PeerIdentifyingContext {
    var coreContext: CoreRequestContextStorage
    var caller: PeerIdentity?

    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }

    func peer() async throws -> PeerIdentity {
        guard let caller else { throw KioskError(.invalidInput, "no caller") }
        return caller
    }
}

/// Reads the test's caller header: "uid:user:duty,duty".
struct TestPeerMiddleware: RouterMiddleware {
    static let header = HTTPField.Name("X-Test-Peer")!

    func handle(_ request: Request, context: TestControlContext, next: (Request, TestControlContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let value = request.headers[Self.header] {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            context.caller = PeerIdentity(
                uid: UInt32(parts[0]) ?? 0, gid: UInt32(parts[0]) ?? 0, pid: 1, user: parts[1],
                duties: Set(parts[2].split(separator: ",").compactMap { PeerIdentity.Duty(rawValue: String($0)) }))
        }
        return try await next(request, context)
    }
}
