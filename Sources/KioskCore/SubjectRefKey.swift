/// Makes the journal's `subjectRef` for a citizen: a keyed hash of the SSN held by this kiosk
/// alone (docs/journal.md), so the journal never carries the hub's identifier or the number.
/// The adapter is KioskStore's `SubjectKey`.
public protocol SubjectRefKey: Sendable {
    func subjectRef(ssn: String) -> String
}
