import Foundation
import KioskFuzzTargets

// Built two ways. With `-sanitize=fuzzer,address -D KIOSK_FUZZING` (scripts/fuzz) libFuzzer owns
// `main` and calls the entry point below with each input, for the target named by
// KIOSK_FUZZ_TARGET. In the ordinary build it replays files: `kiosk-fuzz TARGET FILE…` runs each
// input once, as the fuzzer would, so a crash found is reproduced without the fuzzer.

#if KIOSK_FUZZING
    nonisolated(unsafe) let fuzzTarget: ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["KIOSK_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTargets.all[name] else {
            fatalError("KIOSK_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted()), not '\(name)'")
        }
        return target
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        fuzzTarget(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    // SwiftPM links an executable's `main` to `<module>_main` (so tests can link the module):
    // here that is libFuzzer's driver, not its own `main`, which the alias keeps out.
    @_cdecl("kiosk_fuzz_main")
    public func kioskFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, fuzzOne)
    }
#else
    @main struct KioskFuzz {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard let name = arguments.first, let target = FuzzTargets.all[name] else {
                FileHandle.standardError.write(Data("usage: kiosk-fuzz TARGET FILE…  (targets: \(FuzzTargets.all.keys.sorted()))\n".utf8))
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("kiosk-fuzz: cannot read \(path)\n".utf8))
                    exit(1)
                }
                target(Array(data))
            }
            print("kiosk-fuzz: \(name): \(arguments.count - 1) inputs replayed")
        }
    }
#endif
