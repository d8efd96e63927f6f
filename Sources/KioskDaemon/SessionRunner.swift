import Foundation
import KioskCore
import KioskHub
import Logging

/// Runs the session engine: events in on one queue, one at a time, into `SessionMachine`;
/// each action it returns is carried out against the adapters, and every result comes back as
/// an event on the same queue. The machine decides; the runner only does and reports.
actor SessionRunner {
    private var machine: SessionMachine
    private let environment: KioskEnvironment
    /// A text by key, in a locale (nil: the kiosk's own).
    private let consentText: @Sendable (String, String?) -> String
    private let logger: Logger
    private let events: AsyncStream<SessionEvent>.Continuation
    private let onScreen: @Sendable (Screen) async -> Void
    private let onAlert: @Sendable (ReminderLevel) async -> Void
    private var tasks: [RequestID: Task<Void, Never>] = [:]
    private var faceSessions: [RequestID: String] = [:]
    private var printJobs: [RequestID: (role: PrinterRole, jobId: Int)] = [:]
    /// Every print until it ends, with or without a CUPS job id yet.
    private var prints: Set<RequestID> = []
    /// Documents rendered ahead of their print (`.prepareDocument`), by job.
    private var prepared: [RequestID: Task<RenderedDocument, any Error>] = [:]
    /// The reader of the card being served (for PIN VERIFY).
    private var slotReader: String?
    /// The hub's subjectRef → the kiosk's own keyed hash: the journal never carries the hub's
    /// identifier (docs/journal.md), only the kiosk's.
    private var journalRefs: [String: String] = [:]
    private var stopped: CheckedContinuation<Void, Never>?
    private(set) var readyToStop = false
    /// Journal entries and ratings go to the store one after the other, in the machine's order.
    private let records: AsyncStream<StoreWrite>.Continuation
    private let writer: Task<Void, Never>

    enum StoreWrite: Sendable {
        case journal(JournalEntry)
        case rating(RatingRecord)
        /// A journal entry whose stored record the caller waits for (a receipt's code needs its
        /// seq and hash); nil when it could not be written.
        case journalAnswered(JournalEntry, CheckedContinuation<JournalRecord?, Never>)

        var kind: String {
            switch self {
            case .journal(let entry), .journalAnswered(let entry, _): "journal record (\(entry.kind.rawValue))"
            case .rating: "rating"
            }
        }
    }

    /// Tries per store write, waiting 0.5, 1 and 2 s between them.
    static let storeWriteAttempts = 4

    init(
        machine: SessionMachine, environment: KioskEnvironment, events: AsyncStream<SessionEvent>.Continuation,
        consentText: @escaping @Sendable (String, String?) -> String, logger: Logger,
        onScreen: @escaping @Sendable (Screen) async -> Void, onAlert: @escaping @Sendable (ReminderLevel) async -> Void
    ) {
        self.machine = machine
        self.environment = environment
        self.events = events
        self.consentText = consentText
        self.logger = logger
        self.onScreen = onScreen
        self.onAlert = onAlert
        let (stream, continuation) = AsyncStream.makeStream(of: StoreWrite.self)
        records = continuation
        writer = Task { [store = environment.store, metrics = environment.metrics, clock = environment.clock, logger] in
            for await write in stream {
                // A write that fails is tried again a few times (a full disk freed, a busy file)
                // before it is given up: the citizen has already been thanked, so there is no
                // one left to tell. A store that stays unusable fails the daemon's health check,
                // which then stops new sessions.
                attempts: for attempt in 1...Self.storeWriteAttempts {
                    do {
                        switch write {
                        case .journal(let entry):
                            _ = try await store.append(entry)
                            metrics.observe(entry)
                        case .journalAnswered(let entry, let answer):
                            let record = try await store.append(entry)
                            metrics.observe(entry)
                            answer.resume(returning: record)
                        case .rating(let rating): _ = try await store.recordRating(rating)
                        }
                        break attempts
                    } catch {
                        // Logged without the entry's personal fields: the error says what failed.
                        // An entry the store refuses for its content never passes: not retried.
                        let refused = (error as? KioskError)?.code == .invalidInput
                        guard attempt < Self.storeWriteAttempts, !refused else {
                            logger.critical("store write given up after \(attempt) attempts, \(write.kind) lost: \(error)")
                            if case .journalAnswered(_, let answer) = write { answer.resume(returning: nil) }
                            break attempts
                        }
                        logger.error("store write failed (attempt \(attempt)), trying again: \(error)")
                        try? await clock.sleep(for: .milliseconds(250 << attempt))
                    }
                }
            }
        }
    }

    /// Waits until every journal entry and rating handed over so far is in the store.
    func flushStore() async {
        records.finish()
        await writer.value
    }

    var screen: Screen { machine.screen }

    /// Between citizens (see SessionMachine.isIdle).
    var isIdle: Bool { machine.isIdle }

    /// Feeds one event to the machine and starts what it asks for.
    func handle(_ event: SessionEvent) async {
        let actions = machine.handle(event, at: environment.clock.now())
        for action in actions { perform(action) }
        await onScreen(machine.screen)
    }

    /// Resumes when the machine has said `.readyToStop` after `.shutdownRequested`.
    func waitUntilReadyToStop() async {
        if readyToStop { return }
        await withCheckedContinuation { stopped = $0 }
    }

    private func send(_ event: SessionEvent) { events.yield(event) }

    /// Journals `entry` behind every entry handed over before it, and returns its record.
    private func journalAndWait(_ entry: JournalEntry) async -> JournalRecord? {
        await withCheckedContinuation { answer in
            // After flushStore the stream is finished: nobody would answer, so answer here.
            if case .enqueued = records.yield(.journalAnswered(entry, answer)) { return }
            answer.resume(returning: nil)
        }
    }

    private func perform(_ action: SessionAction) {
        switch action {
        case .readCard(let id, let reader, let atr):
            slotReader = reader
            run(id) { [environment] in
                let lookup = SubjectLookup(hub: environment.hub)
                let card: SocialSecurityCard
                do {
                    card = try await environment.cardSlot.read(reader: reader, atr: atr) { lookup.start($0) }
                } catch {
                    lookup.cancel()
                    throw error
                }
                var subject: HubSubject?
                if let holder = card.holder {
                    subject = await lookup.subject(
                        for: CardIdentity(ssn: holder.ssn, cardNumber: card.cardNumber, cardIdentifier: card.cardIdentifier))
                    if let hubRef = subject?.subjectRef {
                        await self.rememberJournalRef(hubRef, environment.subjectKey.subjectRef(ssn: holder.ssn))
                    }
                }
                return .cardRead(id, card, subject)
            }
        case .resolveESSC(let id, let token):
            run(id) { [hub = environment.hub] in .esscResolved(id, try await hub.resolveSubject(esscToken: token)) }
        case .verifyPIN(let id, let pin):
            let reader = slotReader
            run(id) { [cardSlot = environment.cardSlot] in
                guard let reader else { throw KioskError(.noCard, "no card in the slot") }
                return .pinResult(id, try await cardSlot.verifyPIN(pin, reader: reader))
            }
        case .verifyStaff(let id, let code):
            run(id) { [hub = environment.hub] in .staffVerified(id, try await hub.verifyStaff(code: code)) }
        case .fetchContributions(let id, let ref, let from, let to):
            run(id) { [hub = environment.hub] in .contributions(id, try await hub.contributions(subjectRef: ref, from: from, to: to)) }
        case .fetchPensionPayments(let id, let ref, let year):
            run(id) { [hub = environment.hub] in .pensionPayments(id, try await hub.pensionPayments(subjectRef: ref, year: year)) }
        case .issueCertificate(let id, let ref, let months, let key):
            run(id) { [hub = environment.hub] in
                .certificate(id, try await hub.issueCertificate(subjectRef: ref, months: months, idempotencyKey: key))
            }
        case .startFaceVerification(let id, let ref, let consent):
            startFace(id, subjectRef: ref, consent: consent)
        case .cancelFaceVerification(let id):
            tasks[id]?.cancel()
            if let sessionId = faceSessions.removeValue(forKey: id) {
                Task { [hub = environment.hub] in try? await hub.cancelVerification(sessionId: sessionId) }
            }
        case .prepareDocument(let job):
            // Only what needs nothing at print time: a receipt's code comes from its journal record then.
            guard case .certificate(let content) = job.document else { return }
            let renderer = renderer(for: job)
            // One at a time: a preview left and asked for again replaces the render made for it.
            for task in prepared.values { task.cancel() }
            prepared = [job.id: Task { try await renderer.certificate(content) }]
        case .print(let job):
            startPrint(job)
        case .cancelPrint(let id):
            if let (role, jobId) = printJobs[id], let printer = environment.printers[role] {
                Task { try? await printer.cancel(jobId: jobId, requestId: id.rawValue) }
            } else {
                tasks[id]?.cancel()
            }
        case .journal(var entry):
            entry.subjectRef = entry.subjectRef.flatMap { journalRefs[$0] }
            records.yield(.journal(entry))
        case .recordRating(let rating):
            records.yield(.rating(rating))
        case .alert(let level):
            Task { await onAlert(level) }
        case .notifyCardLeft(let sessionId):
            logger.notice("card left in the slot", metadata: ["session": "\(sessionId)"])
            Task { [hub = environment.hub] in try? await hub.reportCardLeft(HubCardLeftNotice(sessionId: sessionId)) }
        case .endSession:
            slotReader = nil
            journalRefs = [:]
            // A print runs to its end even when the card goes: the machine waits for its answer
            // and journals it. Cancelling one still being rendered left it waiting for good.
            for (id, task) in tasks where !prints.contains(id) { task.cancel() }
            for task in prepared.values { task.cancel() }
            prepared = [:]
        case .readyToStop:
            readyToStop = true
            stopped?.resume()
            stopped = nil
        }
    }

    /// Runs one request off the queue; its answer (or failure) comes back as an event.
    private func run(_ id: RequestID, _ body: @escaping @Sendable () async throws -> SessionEvent) {
        tasks[id] = Task { [events] in
            let event: SessionEvent?
            do {
                event = try await body()
            } catch let problem as HubProblem {
                event = .actionFailed(id, .hub(problem))
            } catch let error as KioskError {
                event = .actionFailed(id, .kiosk(error))
            } catch is CancellationError {
                // The session ended: nobody waits for the answer. A print is the exception (the
                // machine journals every print), so it is told its job never reached the printer.
                event =
                    await self.prints.contains(id)
                    ? .actionFailed(id, .kiosk(KioskError(.printer, "the print was stopped before the printer had it"))) : nil
            } catch {
                event = .actionFailed(id, .kiosk(KioskError(.invalidInput, "\(error)")))
            }
            if let event { events.yield(event) }
            await self.finished(id)
        }
    }

    private func finished(_ id: RequestID) {
        tasks[id] = nil
        faceSessions[id] = nil
        printJobs[id] = nil
        prints.remove(id)
    }

    private func rememberJournalRef(_ hubRef: String, _ kioskRef: String) { journalRefs[hubRef] = kioskRef }

    private func rememberFaceSession(_ id: RequestID, _ sessionId: String) { faceSessions[id] = sessionId }
    private func rememberJob(_ id: RequestID, role: PrinterRole, jobId: Int) { printJobs[id] = (role, jobId) }

    private func startFace(_ id: RequestID, subjectRef: String, consent request: FaceConsentRequest) {
        guard let camera = environment.camera else {
            send(.actionFailed(id, .kiosk(KioskError(.invalidInput, "no camera on this kiosk"))))
            return
        }
        let consent = FaceVerificationFlow.consent(
            version: request.version, text: consentText(request.consentTextKey, request.locale),
            acceptedAt: (try? Date(request.acceptedAt, strategy: .iso8601)) ?? .now)
        let flow = FaceVerificationFlow(hub: environment.hub, camera: camera)
        run(id) { [events] in
            let outcome = try await flow.run(
                subjectRef: subjectRef, consent: consent, purpose: request.purpose,
                onSession: { sessionId in await self.rememberFaceSession(id, sessionId) },
                progress: { stage in events.yield(.faceProgress(id, stage)) })
            return .faceOutcome(id, outcome)
        }
    }

    /// The paper of the job's language, else the kiosk's.
    private func renderer(for job: PrintJobRequest) -> any DocumentRendering {
        job.locale.flatMap { environment.localizedRenderers[$0] } ?? environment.renderer
    }

    private func startPrint(_ job: PrintJobRequest) {
        let role = job.role
        guard let printer = environment.printers[role] else {
            send(.actionFailed(job.id, .kiosk(KioskError(.printer, "no \(role.rawValue) printer configured"))))
            return
        }
        let renderer = renderer(for: job)
        let early = prepared.removeValue(forKey: job.id)
        let media = environment.media[role] ?? []
        prints.insert(job.id)
        let kioskId = environment.configuration.kiosk.id
        run(job.id) { [events, logger] in
            let document: RenderedDocument
            switch job.document {
            case .receipt(var content):
                // The receipt's own journal record comes first: its code (seq, hash) is printed on
                // it, so anyone can check the paper against the journal the hub holds.
                let issued = JournalEntry.documentIssued(
                    kind: .receipt, requestId: job.id.rawValue, sessionId: job.sessionId, staffRef: job.staffRef)
                if let record = await self.journalAndWait(issued) {
                    content.documentCode = DocumentCode(kioskId: kioskId, seq: record.seq, hash: record.hash).text
                } else {
                    logger.error("the receipt's record could not be journalled: it prints without a verification code")
                }
                document = try await renderer.receipt(content)
            case .certificate(let content):
                // The render made while the preview showed; if that failed, once more now (the
                // warm child may have been what failed).
                let made = try? await withTaskCancellationHandler {
                    try await early?.value
                } onCancel: {
                    early?.cancel()
                }
                if let made {
                    document = made
                } else {
                    try Task.checkCancellation()
                    document = try await renderer.certificate(content)
                }
            }
            let submitted = try await printer.submit(
                PrintSubmission(
                    requestId: job.id.rawValue, kind: job.kind, sessionId: job.sessionId, pdf: document.pdf, pages: document.pages,
                    media: media, safeToRetry: job.safeToRetry))
            await self.rememberJob(job.id, role: role, jobId: submitted.jobId)
            var last = submitted
            for try await progress in printer.follow(jobId: submitted.jobId, requestId: job.id.rawValue) {
                last = progress.job
                if !progress.job.state.isFinal { events.yield(.printProgress(job.id, progress)) }
            }
            last.pages = document.pages
            return .printFinished(job.id, last)
        }
    }
}
