import Synchronization

/// One `kiosk-render` kept started ahead of the next document: its start-up (the process, the
/// libraries, fontconfig and the CJK fonts, some 110 ms of the 190 ms a cold child costs) is
/// paid while the kiosk is idle, not while the citizen waits for paper. The child lives until
/// its one document and is replaced after it, so the memory cairo and pango take is still given
/// back every time; its own RSS is counted apart from kioskd's. A child that dies while it waits
/// (a crash, someone killing it) costs no document: the document it took is rendered by a child
/// started for it (`ProcessDocumentRenderer`), and the next warm one is started after.
public final class WarmRenderChildren: Sendable {
    let executable: String
    let arguments: [String]
    let outputLimit: Int
    /// The waiting child, and whether kioskd has stopped: one lock, so a refill racing a stop
    /// cannot start a child after it.
    private let state = Mutex<(ready: WarmRenderChild?, stopped: Bool)>((nil, false))

    /// `fontFamilies`: what the templates set their documents in, loaded before the request.
    public init(executable: String, fontFamilies: [String], outputLimit: Int = 64 << 20) {
        self.executable = executable
        arguments = [DocumentRenderChild.warmArgument] + fontFamilies
        self.outputLimit = outputLimit
    }

    /// Starts the child if none is waiting: at kioskd's start, and after each document.
    public func refill() {
        _ = ProcessDocumentRenderer.ignoreSIGPIPE
        state.withLock { state in
            guard !state.stopped, state.ready == nil else { return }
            state.ready = WarmRenderChild(executable: executable, arguments: arguments, outputLimit: outputLimit)
        }
    }

    /// The waiting child, taken for a document; nil when there is none.
    func take() -> WarmRenderChild? { state.withLock { $0.ready.take() } }

    /// kioskd stops: the waiting child reads the end of its input and exits; none is started again.
    public func stop() {
        let waiting = state.withLock { state in
            state.stopped = true
            return state.ready.take()
        }
        waiting?.letGo()
    }
}

/// One warm child: the process runs (started by swift-subprocess in a task of its own) and waits
/// in its closure for the request.
final class WarmRenderChild: Sendable {
    private let request: AsyncStream<[UInt8]>.Continuation
    private let run: Task<ProcessDocumentRenderer.Outcome, any Error>

    init(executable: String, arguments: [String], outputLimit: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(1))
        request = continuation
        run = Task {
            try await ProcessDocumentRenderer.runChild(executable: executable, arguments: arguments, outputLimit: outputLimit) {
                await stream.first { _ in true }
            }
        }
    }

    /// Gives the child its request; the task ends with its answer. A child that died while it
    /// waited answers nothing, and the caller renders the document in a child started for it.
    func hand(_ input: [UInt8]) -> Task<ProcessDocumentRenderer.Outcome, any Error> {
        request.yield(input)
        request.finish()
        return run
    }

    /// No request will come: closing its input ends the child.
    func letGo() { request.finish() }
}
