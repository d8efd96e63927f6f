import KioskCore

/// Lists the readers pcscd knows, with card presence and ATR: the reader half of
/// `kioskctl devices`. Each call opens and releases its own context on a thread of its own,
/// so pcscd restarting between calls is no problem.
public actor PCSCReaderDirectory: ReaderDirectory {
    private let executor = BlockingExecutor(label: "kioskd.pcsc.directory")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init() {}

    public func readers() throws -> [ReaderStatus] {
        try KioskError.during("listing card readers") {
            let context = try PCSCContext()
            let names = try context.readerNames()
            guard !names.isEmpty else { return [] }
            // Timeout 0: the current state of each reader, without waiting for a change.
            let states = try context.statusChange(names.map { ($0, 0) }, timeoutMs: 0) ?? []
            return states.map { state in
                let present = state.flags.contains(.present)
                return ReaderStatus(
                    name: state.name, cardPresent: present,
                    atr: present && !state.atr.isEmpty ? Hex.encode(state.atr) : nil)
            }
        }
    }
}
