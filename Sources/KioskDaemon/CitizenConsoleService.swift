import Dispatch
import Foundation
import KioskConfig
import KioskConsole
import KioskControlServer
import KioskCore
import Logging
import ServiceLifecycle

/// The citizen's kiosk: card events, key presses, device and hub status and a one-second tick
/// go into one queue of SessionEvents; the SessionRunner handles them one at a time; every
/// handled event redraws the screen. SIGTERM becomes `.shutdownRequested`: the citizen's current
/// step finishes, the machine says `.readyToStop`, and the service returns.
struct CitizenConsoleService: Service {
    let environment: KioskEnvironment
    let files: KioskConfigFiles
    let output: TerminalOutput
    let input: TerminalInput
    let notifier: SystemdNotifier
    let control: KioskControlState
    let logger: Logger

    func run() async throws {
        let configuration = environment.configuration
        let (events, continuation) = AsyncStream.makeStream(of: SessionEvent.self)
        let texts = files.texts
        let catalog = files.localized.mapValues(\.texts).merging([configuration.kiosk.locale: texts]) { _, own in own }
        let renderer = ScreenRenderer()
        let output = self.output
        var settings = SessionSettings(configuration: configuration, timeouts: configuration.session, receiptTexts: texts.receiptTexts)
        settings.locales = configuration.kiosk.offeredLocales.filter { catalog[$0] != nil }
        settings.localizedReceiptTexts = files.localized.mapValues(\.texts.receiptTexts)
        let machine = SessionMachine(
            settings: settings, catalog: files.catalog, guides: files.guides, localizedGuides: files.localized.mapValues(\.guides),
            now: .current())
        let speaker = environment.voice.map { VoiceDirector(voice: $0, kioskLocale: configuration.kiosk.locale) }
        let heap = IdleHeapTrim()
        let runner = SessionRunner(
            machine: machine, environment: environment, events: continuation,
            consentText: { key, locale in (locale.flatMap { catalog[$0] } ?? texts)(key) },
            logger: logger,
            onScreen: { screen in
                let size = output.size()
                let shown = screen.locale.flatMap { catalog[$0] } ?? texts
                let offer = screen.nextLocale.flatMap { catalog[$0]?("language.offer") }
                output.draw(renderer.frame(screen, texts: shown, columns: size.columns, rows: size.rows, offer: offer).ansiLines)
                await speaker?.show(screen, texts: shown)
                heap.shown(screen.content)
            },
            onAlert: { level in output.bell(times: level.rawValue) })

        var feeders: [Task<Void, Never>] = []
        // Card readers: the slot's events only (CardSlotFilter); the PSAM's reader and any other
        // never start a session, and each is said once in the log.
        feeders.append(
            Task { [cardSlot = environment.cardSlot, logger] in
                var filter = CardSlotFilter(reader: configuration.card.reader, psamReader: configuration.card.psamReader)
                for await event in cardSlot.events() {
                    let (admitted, ignored) = filter.admit(event)
                    if let ignored {
                        logger.notice(
                            "a card in reader '\(ignored)' is ignored: it is not the card slot",
                            metadata: ["slot": "\(filter.slot ?? "none yet")"])
                    }
                    if let admitted { continuation.yield(.card(admitted)) }
                }
            })
        // The keypad.
        let keymap = files.keymap
        let keypad = KeypadDecoder(KeyDecoder(map: keymap))
        feeders.append(
            Task { [logger] in
                for await chunk in input.bytes() {
                    let (keys, generation) = await keypad.feed(chunk)
                    for key in keys { continuation.yield(.key(key)) }
                    if await keypad.hasPending {
                        // A lone Esc is Back only if nothing follows within 50 ms (else it starts a sequence).
                        Task {
                            try? await Task.sleep(for: .milliseconds(50))
                            for key in await keypad.flush(ifStill: generation) { continuation.yield(.key(key)) }
                        }
                    }
                }
                // A keypad whose terminal hung up sends nothing more: rather than a kiosk that
                // looks alive and answers no key, the front stops (after the citizen's current
                // step), kioskd exits, and systemd starts it again on a freshly opened terminal.
                if input.terminalLost {
                    logger.critical("the keypad's terminal hung up: stopping so that kioskd starts again on a fresh terminal")
                    continuation.yield(.shutdownRequested)
                }
            })
        // Printers and the hub, live.
        for (role, printer) in environment.printers {
            feeders.append(Task { for await s in printer.statusUpdates() { continuation.yield(.printerStatus(role, s)) } })
        }
        feeders.append(Task { for await s in environment.hub.statusUpdates() { continuation.yield(.hubStatus(s)) } })
        continuation.yield(.cameraStatus(present: environment.camera != nil))
        // The QR scanner: scans of the electronic social security card, and its port.
        if let scanner = environment.scanner {
            feeders.append(
                Task { [port = environment.scannerPort] in
                    for await event in scanner.events() {
                        switch event {
                        case .connected: await port(true)
                        case .disconnected: await port(false)
                        default: break
                        }
                        continuation.yield(.scan(event))
                    }
                })
        }
        // The tick: timeouts, countdowns, the clock on the status line (and the watchdog, below).
        feeders.append(
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    continuation.yield(.tick)
                }
            })
        // A resize redraws at once (SIGWINCH).
        signal(SIGWINCH, SIG_IGN)
        let winch = DispatchSource.makeSignalSource(signal: SIGWINCH)
        winch.setEventHandler { continuation.yield(.tick) }
        winch.resume()

        await control.attach(continuation)
        await runner.handle(.tick)
        notifier.notify("READY=1\nSTATUS=kiosk screen up")
        logger.info("citizen front up", metadata: ["services": "\(files.catalog.services.count)"])

        let watchdog = SystemdNotifier.watchdogInterval()
        var lastPing = ContinuousClock.now
        await withGracefulShutdownHandler {
            for await event in events {
                await runner.handle(event)
                await control.reportIdle(await runner.isIdle)
                if await runner.readyToStop { break }
                // Pinged where events are handled, not where ticks are made: a front stuck (a
                // screen write blocked on a stalled terminal) stops pinging, and systemd restarts it.
                if let watchdog, ContinuousClock.now - lastPing >= watchdog {
                    notifier.notify("WATCHDOG=1")
                    lastPing = .now
                }
            }
        } onGracefulShutdown: {
            Task {
                // A configuration swap stops this front too; only a real stop is told to systemd.
                if await !control.swapping { notifier.notify("STOPPING=1") }
                continuation.yield(.shutdownRequested)
            }
        }
        await control.detach()
        winch.cancel()
        feeders.forEach { $0.cancel() }
        input.stop()
        await environment.cardSlot.waitUntilStopped()
        await runner.flushStore()
        output.restore()
    }
}

/// The keypad's decoder shared between the reading loop and the Esc timer.
actor KeypadDecoder {
    private var decoder: KeyDecoder
    private var generation = 0

    init(_ decoder: KeyDecoder) { self.decoder = decoder }

    var hasPending: Bool { decoder.hasPending }

    func feed(_ bytes: [UInt8]) -> ([Key], Int) {
        generation += 1
        return (decoder.decode(bytes), generation)
    }

    /// Flushes a pending partial sequence unless more bytes came since `generation`.
    func flush(ifStill generation: Int) -> [Key] {
        guard generation == self.generation else { return [] }
        return decoder.flush()
    }
}
