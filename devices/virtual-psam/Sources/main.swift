// virtual-psam: the terminal's PSAM in its SAM slot, on the other side of pcscd's vpcd driver,
// for tests and demos of the kiosk's generation-3 card authentication. It never imports Kiosk*
// code: it is the independent peer.
import Foundation
import VirtualICC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

DeviceProcess.start(label: "virtual-psam")
let options = DeviceProcess.options(usage: Options.usage, Options.parse)

func fail(_ message: String, code: Int32) -> Never { DeviceProcess.fail(message, code: code) }

let profile: PSAMProfile
do {
    profile = try PSAMProfile.load(from: PSAMProfile.resolve(options.profile))
} catch {
    fail("profile \(options.profile): \(error)", code: 1)
}

if let identifier = options.derive {
    guard let bytes = Hex.bytes(identifier), bytes.count == 16 else { fail("--derive needs 32 hex digits", code: 64) }
    print(Hex.string(TestKeyDerivation.diversify(master: profile.keys[0].masterKey, data: bytes)))
    exit(0)
}

let link: VpcdLink
do {
    link = try VpcdLink.open(host: options.host, port: options.port)
} catch {
    fail(error.description, code: 2)
}

let t0 = profile.t0 && !options.forceT1
if !options.quiet {
    Log.line("PSAM '\(options.profile)' connected to vpcd at \(options.host):\(options.port) (\(t0 ? "T=0" : "T=1"))")
}
let server = ICCServer(
    link: link, card: VirtualPSAM(profile: profile, t0: t0, failure: options.failure),
    faults: ICCServer<VirtualPSAM>.Faults(
        removeAfter: options.removeAfter, delayMilliseconds: options.delayMilliseconds, timing: options.timing),
    quiet: options.quiet)
exit(server.run())
