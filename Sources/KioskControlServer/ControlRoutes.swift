import Foundation
import Hummingbird
import KioskConfig
import KioskControl
import KioskCore
import KioskDiagnostics
import Logging
import NIOFoundationCompat

/// The control socket's routes. Each names the duties it needs; every privileged action is
/// journalled with the caller's uid. Generic over the request context so that tests can say
/// who calls; kioskd's context asks the kernel (SO_PEERCRED) and nothing else.
public struct ControlRoutes<Context: PeerIdentifyingContext>: Sendable {
    let settings: ControlServerSettings
    let control: KioskControlState
    let desk: ConfigDesk
    let logger: Logger

    public init(settings: ControlServerSettings, control: KioskControlState, desk: ConfigDesk, logger: Logger) {
        self.settings = settings
        self.control = control
        self.desk = desk
        self.logger = logger
    }

    public func add(to router: Router<Context>) {
        let anyone: Set<PeerIdentity.Duty> = [.technician, .operations]
        router.get("/v1/status") { _, context in
            try await guarded(context, anyone) { _ in
                try json(
                    KioskStatusAnswer(
                        kioskId: settings.site.kiosk.id, softwareVersion: KioskVersion.current,
                        maintenance: await control.maintenance,
                        idle: await control.idle, config: await control.config))
            }
        }
        router.post("/v1/maintenance") { request, context in
            try await guarded(context, [.technician]) { peer in
                let body = try await request.body.collect(upTo: 64 * 1024)
                guard let asked = try? JSONDecoder().decode(MaintenanceRequest.self, from: Data(buffer: body)) else {
                    return problem(.badRequest, "send {\"on\": true|false, \"reason\": \"…\"}")
                }
                let reason = asked.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
                if asked.on, reason?.isEmpty ?? true { return problem(.badRequest, "maintenance on needs a reason (--reason TEXT)") }
                try await journal(.maintenance(on: asked.on, reason: reason, uid: peer.uid))
                do { try await control.setMaintenance(on: asked.on, reason: reason, uid: peer.uid) } catch {
                    logger.error("maintenance \(asked.on ? "on" : "off"): \(error)")
                    return problem(.internalServerError, "maintenance is \(asked.on ? "on" : "off") now, but \(error)")
                }
                logger.notice("maintenance \(asked.on ? "on" : "off")", metadata: ["uid": "\(peer.uid)"])
                return try json(await control.maintenance)
            }
        }
        router.get("/v1/diag") { request, context in
            try await guarded(context, [.technician]) { peer in
                let testPage = request.uri.queryParameters.get("testPage") == "1"
                let testRead = request.uri.queryParameters.get("testRead") == "1"
                let testCamera = request.uri.queryParameters.get("testCamera") == "1"
                if testRead || testCamera, await control.maintenance.on == false {
                    // The citizen's session owns the reader and the camera; a technician tests
                    // them only while the kiosk is out of service.
                    return problem(
                        .conflict, "a test read or capture needs maintenance mode first (kioskctl maintenance on --reason TEXT)")
                }
                if testPage || testRead || testCamera {
                    try await journal(.diagnostics(testPage: testPage, testRead: testRead, testCamera: testCamera, uid: peer.uid))
                }
                let configuration = await control.configuration ?? settings.site
                let results = await settings.diagnose(
                    configuration,
                    DiagnosticOptions(
                        testPage: testPage, testRead: testRead, testCamera: testCamera, ttyPath: settings.ttyPath, cupsServer: nil,
                        renderExecutable: settings.renderExecutable))
                return try json(results)
            }
        }
        router.get("/v1/config/status") { _, context in
            try await guarded(context, anyone) { _ in try json(await control.config) }
        }
        router.get("/v1/config/history") { _, context in
            try await guarded(context, anyone) { _ in
                guard let store = await control.store else { return problem(.serviceUnavailable, "the store is not open") }
                return try json(try await ConfigHistory(store: store).entries())
            }
        }
        router.post("/v1/config/apply") { request, context in
            try await guarded(context, [.operations]) { peer in
                let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
                let outcome = await desk.apply(Data(buffer: body), source: "kioskctl", uid: peer.uid)
                return try json(outcome)
            }
        }
        router.post("/v1/config/rollback") { _, context in
            try await guarded(context, [.operations]) { peer in try json(await desk.rollback(uid: peer.uid)) }
        }
    }

    /// Runs `body` only for a caller with one of `duties`; refuses anyone else in plain words.
    private func guarded(
        _ context: Context, _ duties: Set<PeerIdentity.Duty>, _ body: (PeerIdentity) async throws -> Response
    ) async throws -> Response {
        let peer: PeerIdentity
        do { peer = try await context.peer() } catch { return problem(.forbidden, "\(error)") }
        if let refusal = peer.refusal(needing: duties) {
            logger.warning("control socket refused", metadata: ["uid": "\(peer.uid)"])
            return problem(.forbidden, refusal)
        }
        return try await body(peer)
    }

    private func journal(_ entry: JournalEntry) async throws {
        guard let store = await control.store else { throw HTTPError(.serviceUnavailable, message: "the store is not open") }
        _ = try await store.append(entry)
    }

    private func json(_ value: some Encodable) throws -> Response {
        let data = try JSONEncoder.control.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func problem(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        let data = (try? JSONEncoder.control.encode(ControlProblem(status: status.code, detail: detail))) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
