/// Which reader is the citizen's card slot, deciding from the reader events alone: the reader
/// `card.reader` names; with none named, the first reader listed that is not the PSAM's
/// (`card.psamReader`). Cards in any other reader (the PSAM in its SAM slot, a technician's
/// reader) never start a session: their events are dropped here, before the session machine.
public struct CardSlotFilter: Sendable {
    /// The configured slot; nil: the first reader listed that is not the PSAM's.
    public let configured: String?
    public let psamReader: String?
    /// The slot as known now.
    public private(set) var slot: String?
    private var ignored: Set<String> = []

    public init(reader: String, psamReader: String) {
        configured = reader.isEmpty ? nil : reader
        self.psamReader = psamReader.isEmpty ? nil : psamReader
        slot = configured
    }

    /// The event if the session should see it (the slot's, or pcscd's as a whole), and the
    /// reader whose events are dropped for the first time, to be said once in the log.
    public mutating func admit(_ event: CardEvent) -> (event: CardEvent?, newlyIgnored: String?) {
        switch event {
        case .serviceUnavailable, .serviceRestored:
            // Every reader is new when pcscd comes back: an unconfigured slot is chosen again.
            if configured == nil { slot = nil }
            return (event, nil)
        case .readerAdded(let reader):
            claimIfFree(reader)
            return reader == slot ? (event, nil) : (nil, nil)
        case .readerRemoved(let reader):
            guard reader == slot else { return (nil, nil) }
            if configured == nil { slot = nil }
            return (event, nil)
        case .cardInserted(let reader, _), .cardRemoved(let reader):
            claimIfFree(reader)
            guard reader == slot else {
                let first = ignored.insert(reader).inserted
                return (nil, first ? reader : nil)
            }
            return (event, nil)
        }
    }

    private mutating func claimIfFree(_ reader: String) {
        if slot == nil, configured == nil, reader != psamReader { slot = reader }
    }
}
