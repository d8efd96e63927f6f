import KioskCore
import Testing

/// Only the card slot's reader reaches the session machine.
@Suite struct CardSlotFilterTests {
    static let atr: [UInt8] = [0x3B, 0x6D]

    @Test func aConfiguredSlotAdmitsItsOwnCardsAndSaysOnceThatAnotherReaderIsIgnored() {
        var filter = CardSlotFilter(reader: "Slot 00 00", psamReader: "")
        #expect(filter.admit(.readerAdded("SAM 00 01")).event == nil)
        #expect(filter.admit(.readerAdded("Slot 00 00")).event == .readerAdded("Slot 00 00"))
        let first = filter.admit(.cardInserted(reader: "SAM 00 01", atr: Self.atr))
        #expect(first.event == nil && first.newlyIgnored == "SAM 00 01")
        let again = filter.admit(.cardRemoved(reader: "SAM 00 01"))
        #expect(again.event == nil && again.newlyIgnored == nil, "said once")
        #expect(
            filter.admit(.cardInserted(reader: "Slot 00 00", atr: Self.atr)).event == .cardInserted(reader: "Slot 00 00", atr: Self.atr))
        #expect(filter.admit(.cardRemoved(reader: "Slot 00 00")).event == .cardRemoved(reader: "Slot 00 00"))
    }

    @Test func withoutAConfiguredSlotTheFirstReaderThatIsNotThePSAMsIsTheSlot() {
        var filter = CardSlotFilter(reader: "", psamReader: "PCD 00 00")
        #expect(filter.admit(.readerAdded("PCD 00 00")).event == nil)
        #expect(filter.admit(.cardInserted(reader: "PCD 00 00", atr: Self.atr)).event == nil, "the PSAM never starts a session")
        #expect(filter.admit(.readerAdded("PCD 00 01")).event == .readerAdded("PCD 00 01"))
        #expect(filter.slot == "PCD 00 01")
        #expect(filter.admit(.readerAdded("PCD 00 02")).event == nil)
        #expect(filter.admit(.cardInserted(reader: "PCD 00 01", atr: Self.atr)).event != nil)
    }

    @Test func anUnconfiguredSlotIsChosenAgainWhenPCSCComesBack() {
        var filter = CardSlotFilter(reader: "", psamReader: "")
        _ = filter.admit(.readerAdded("A"))
        #expect(filter.admit(.serviceUnavailable("pcscd stopped")).event == .serviceUnavailable("pcscd stopped"))
        #expect(filter.slot == nil)
        _ = filter.admit(.serviceRestored)
        _ = filter.admit(.readerAdded("B"))
        #expect(filter.slot == "B")
    }

    @Test func aConfiguredSlotStaysThroughItsRemovalAndPCSCRestarts() {
        var filter = CardSlotFilter(reader: "A", psamReader: "")
        #expect(filter.admit(.readerRemoved("A")).event == .readerRemoved("A"))
        _ = filter.admit(.serviceUnavailable("gone"))
        _ = filter.admit(.readerAdded("B"))
        #expect(filter.slot == "A")
        #expect(filter.admit(.cardInserted(reader: "B", atr: Self.atr)).event == nil)
    }
}
