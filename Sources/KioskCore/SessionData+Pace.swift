import Foundation

/// Each citizen's own pace: older citizens and those who ask for more time get longer timeouts.
extension SessionMachine {
    /// The current citizen's pace (1 between citizens): what the idle timeouts are multiplied by.
    public var pace: Double { session?.pace ?? 1 }
}

extension SessionData {
    /// The longest a citizen's timeouts grow to.
    static let maximumPace = 3.0
    /// What one "继续办理？" answered yes multiplies the pace by.
    static let paceStep = 1.5
    /// From this age a citizen starts at `paceStep`.
    static let olderCitizenAge = 65

    mutating func slowDown() { pace = min(pace * Self.paceStep, Self.maximumPace) }

    /// The age in whole years on `date`, from the card's birth date, else the birth date in the
    /// citizen's ID number (digits 7–14 of an 18-digit 公民身份号码), else the hub's; nil when
    /// none says.
    func age(on date: Date, in zone: TimeZone) -> Int? {
        var birth: (year: Int, month: Int, day: Int)?
        if let b = card?.holder?.birthDate {
            birth = (b.year, b.month, b.day)
        } else if let ssn = card?.holder?.ssn, ssn.count == 18, ResidentID.isValid(ssn) {
            let digits = Array(ssn)
            if let y = Int(String(digits[6..<10])), let m = Int(String(digits[10..<12])), let d = Int(String(digits[12..<14])) {
                birth = (y, m, d)
            }
        } else if let date = subject?.birthDate?.split(separator: "-").compactMap({ Int($0) }), date.count == 3 {
            // No card in the slot (the electronic card): the hub's birth date.
            birth = (date[0], date[1], date[2])
        }
        guard let birth else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = today.year, let month = today.month, let day = today.day else { return nil }
        let hadBirthday = (month, day) >= (birth.month, birth.day)
        return year - birth.year - (hadBirthday ? 0 : 1)
    }
}
