// virtual-ssc: a social security card on the other side of pcscd's vpcd driver, for tests and
// demos of the kiosk's card reader. It never imports Kiosk* code: it is the independent peer.
import Foundation
import VirtualICC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

DeviceProcess.start(label: "virtual-ssc")
let options = DeviceProcess.options(usage: Options.usage, Options.parse)

func fail(_ message: String, code: Int32) -> Never { DeviceProcess.fail(message, code: code) }

if let directory = options.peopleDirectory {
    let url = directory.isEmpty ? Profile.searchDirectories().last ?? URL(fileURLWithPath: ".") : URL(fileURLWithPath: directory)
    do {
        print(try Person.json(try Person.list(directory: url)), terminator: "")
        exit(0)
    } catch {
        fail("\(error)", code: 1)
    }
}

let image: CardImage
do {
    let url = try Profile.resolve(options.profile)
    image = try CardImage(try Profile.load(from: url))
} catch {
    fail("profile \(options.profile): \(error)", code: 1)
}

let link: VpcdLink
do {
    link = try VpcdLink.open(host: options.host, port: options.port)
} catch {
    fail(error.description, code: 2)
}

let t0 = image.t0 || options.forceT0
if !options.quiet {
    Log.line("card '\(options.profile)' connected to vpcd at \(options.host):\(options.port) (gen \(image.generation)\(t0 ? ", T=0" : ""))")
}
let server = ICCServer(
    link: link, card: VirtualCard(image: image, t0: t0),
    faults: ICCServer<VirtualCard>.Faults(
        removeAfter: options.removeAfter, delayMilliseconds: options.delayMilliseconds, timing: options.timing),
    quiet: options.quiet)
exit(server.run())
