/// Why a generation-3 card's protected fields (EF05 05/06, the holder in EF06) were not read.
/// None of these is the citizen's fault: the card is fine, the kiosk's PSAM is not. The card's
/// free fields are still read, so services that need no holder data stay open.
public enum ProtectedDataProblem: String, Sendable, Equatable, CaseIterable {
    /// The kiosk has no PSAM configured (`card.psamReader` empty).
    case noPSAM = "no-psam"
    /// The PSAM's reader is gone, its slot is empty, the PSAM left mid-authentication, or pcscd is away.
    case psamMissing = "psam-missing"
    /// The card in the SAM slot answers, but not as a PSAM (another card was put there).
    case notPSAM = "not-psam"
    /// The PSAM answered an error status word (memory failure, key locked, key missing).
    case psamError = "psam-error"
    /// The card refused the PSAM's cryptogram (`6300`, `6988`): the PSAM's key does not open it.
    case keyRefused = "key-refused"
}
