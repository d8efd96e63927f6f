import CSystemShims
import Foundation
import KioskCore

/// Who is on the other end of the control socket, from the kernel (SO_PEERCRED), and what the
/// duties allow them (受审分离): group kiosk-tech → diagnostics and maintenance; group
/// kiosk-ops → configuration; root → all; anyone else → nothing.
public struct PeerIdentity: Sendable, Equatable {
    public enum Duty: String, Sendable, CaseIterable {
        case technician = "kiosk-tech"
        case operations = "kiosk-ops"
    }

    public let uid: UInt32
    public let gid: UInt32
    public let pid: Int32
    public let user: String
    public let duties: Set<Duty>

    /// A caller whose duties are already known (tests; kioskd asks the system, below).
    public init(uid: UInt32, gid: UInt32, pid: Int32, user: String, duties: Set<Duty>) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.user = user
        self.duties = duties
    }

    /// The caller's account and groups, from the system's user database.
    public init(uid: UInt32, gid: UInt32, pid: Int32) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        let account = PeerIdentity.account(uid: uid)
        user = account?.name ?? "uid \(uid)"
        if uid == 0 {
            duties = Set(Duty.allCases)
        } else {
            var groups = Set([gid])
            if let account { groups.formUnion(PeerIdentity.groups(of: account.name, primary: account.gid)) }
            duties = Set(Duty.allCases.filter { duty in PeerIdentity.gid(of: duty.rawValue).map(groups.contains) ?? false })
        }
    }

    init(_ credentials: kiosk_peer_credentials) {
        self.init(uid: credentials.uid, gid: credentials.gid, pid: credentials.pid)
    }

    /// nil when allowed; otherwise the refusal in plain words.
    public func refusal(needing needed: Set<Duty>) -> String? {
        guard duties.isDisjoint(with: needed) else { return nil }
        let names = needed.map(\.rawValue).sorted().joined(separator: " or ")
        let has = duties.isEmpty ? "is in no kiosk group" : "is in \(duties.map(\.rawValue).sorted().joined(separator: ", ")) only"
        return "\(user) (uid \(uid)) \(has); this needs the group \(names). Ask the kiosk's administrator to add you, or use the "
            + "account for this duty (technicians: diagnostics and maintenance; operations: configuration)."
    }

    private static func account(uid: UInt32) -> (name: String, gid: UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
        return (String(cString: name), entry.pw_gid)
    }

    private static func groups(of user: String, primary: UInt32) -> Set<UInt32> {
        var count: Int32 = 64
        var ids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &ids, &count) < 0 {
            ids = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, primary, &ids, &count) >= 0 else { return [primary] }
        }
        return Set(ids.prefix(Int(count)))
    }

    private static func gid(of name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
