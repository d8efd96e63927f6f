import KioskCore

/// What the kiosk says aloud for a screen: one prompt, written for the ear, from the locale's
/// `voice.*` texts (or a plain sentence the screen already shows). Only locale keys go in and
/// no value is ever substituted, so no name, ID or card number, amount or code can be spoken.
public enum VoicePrompts {
    /// The key of the prompt for `screen`, and how loud; nil for a screen that says nothing new
    /// (stopping) or whose words change each second.
    public static func prompt(for screen: Screen) -> (key: String, loudness: VoiceLoudness)? {
        if screen.continuePrompt != nil { return ("voice.prompt", .normal) }
        if let notice = screen.notice { return (notice, .normal) }
        switch screen.content {
        case .attract: return (screen.status.scannerPresent == true ? "voice.attractScan" : "voice.attract", .normal)
        case .outOfService: return ("voice.outOfService", .normal)
        case .stopping: return nil
        case .reading: return ("voice.reading", .normal)
        case .resolvingCode: return ("voice.resolving", .normal)
        case .codeRefused(let problem): return ("essc.problem.\(problem.rawValue)", .normal)
        case .pinEntry(let v): return (v.triesLeft == nil ? "voice.pin" : "voice.pinWrong", .normal)
        case .pinBlocked: return ("pin.blocked", .normal)
        case .staffCode: return ("voice.staffCode", .normal)
        case .menu: return ("voice.menu", .normal)
        case .loading: return ("loading.body", .normal)
        case .certificatePreview: return ("voice.certificatePreview", .normal)
        case .contributions, .pensionPayments: return ("voice.table", .normal)
        case .pensionYearChoice: return ("voice.pensionYear", .normal)
        case .faceConsent: return ("voice.faceConsent", .normal)
        case .faceProgress: return ("voice.faceProgress", .normal)
        case .faceResult: return ("voice.faceResult", .normal)
        case .cardStatus: return ("voice.cardStatus", .normal)
        case .guideList, .guide: return ("voice.guides", .normal)
        case .printing(let v): return (v.heldBy != nil ? "voice.printHeld" : "voice.printing", .normal)
        // Sent to the counter for a paper that may be in the tray, the citizen would get two.
        case .printFailed(let v): return (v.mayHavePrinted ? "voice.printUncertain" : "voice.printFailed", .normal)
        case .serviceFailed: return ("voice.serviceFailed", .normal)
        case .rating: return ("voice.rating", .normal)
        case .takeCard(let v):
            // The reminder escalates by voice: louder with each level nobody heeded.
            switch v.level {
            case .gentle: return ("voice.takeCard", .normal)
            case .loud: return ("voice.takeCardLoud", .raised)
            case .staff: return ("voice.takeCardLoud", .loudest)
            }
        case .cardRemoved(let v): return (v.printHeld || v.printInProgress != nil ? "voice.cardRemovedPrint" : "voice.cardRemoved", .normal)
        }
    }

    /// Every key `prompt(for:)` may name besides the screens' own: a locale must have them all.
    public static let keys = [
        "voice.prompt", "voice.attract", "voice.attractScan", "voice.outOfService", "voice.reading", "voice.resolving", "voice.pin",
        "voice.pinWrong", "voice.staffCode", "voice.menu", "voice.certificatePreview", "voice.table", "voice.pensionYear",
        "voice.faceConsent", "voice.faceProgress", "voice.faceResult", "voice.cardStatus", "voice.guides", "voice.printHeld",
        "voice.printing", "voice.printFailed", "voice.printUncertain", "voice.serviceFailed", "voice.rating", "voice.takeCard",
        "voice.takeCardLoud",
        "voice.cardRemoved", "voice.cardRemovedPrint",
    ]
}
