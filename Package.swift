// swift-tools-version:6.2
// kioskd: the daemon of a social-security self-service kiosk.
// Core (no I/O) / one adapter per peer / composition root / thin executables.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// kioskd's release link on Linux, so an idle kiosk stays small (scripts/bench flow): most of an
/// idle kioskd's memory is file pages of code, mapped 64 KB around each fault. Linking the Swift runtime and Foundation in
/// statically (without exporting every symbol) and laying out the start-up path side by side
/// (Sources/kioskd/kioskd.order, made by scripts/orderfile) keeps the pages it touches few.
/// Debug builds and the tests link as usual.
let kioskdReleaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-static-stdlib",
            "-lFoundation", "-lFoundationInternationalization", "-lFoundationEssentials", "-l_FoundationCollections",
            "-l_FoundationCShims", "-l_FoundationICU", "-lCoreFoundation",
            "-Xlinker", "--no-export-dynamic",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/kioskd/kioskd.order",
            "-Xlinker", "--no-warn-symbol-ordering",
            "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            "-Xlinker", "--icf=all",
        ], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "kioskd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kioskd", targets: ["kioskd"]),
        .executable(name: "kioskctl", targets: ["kioskctl"]),
        .executable(name: "kiosk-render", targets: ["kiosk-render"]),
        .executable(name: "kiosk-camera", targets: ["kiosk-camera"]),
        .executable(name: "kiosk-hub-sim", targets: ["kiosk-hub-sim"]),
        .executable(name: "virtual-ssc", targets: ["virtual-ssc"]),
        .executable(name: "virtual-psam", targets: ["virtual-psam"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries: a module map and a tiny shim.h each; nothing else.
        .systemLibrary(
            name: "CPCSCLite", path: "Sources/CPCSCLite", pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(name: "CCUPS", path: "Sources/CCUPS", providers: [.apt(["libcups2-dev"])]),
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        // GStreamer, for kiosk-camera only: kioskd never loads it.
        .systemLibrary(
            name: "CGStreamer", path: "Sources/CGStreamer", pkgConfig: "gstreamer-app-1.0",
            providers: [.apt(["libgstreamer1.0-dev", "libgstreamer-plugins-base1.0-dev"])]),
        .systemLibrary(
            name: "CQREncode", path: "Sources/CQREncode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CSystemShims", path: "Sources/CSystemShims"),

        // Domain: session engine, device/hub protocols, errors, ID numbers, masking. Foundation only.
        .target(name: "KioskCore", swiftSettings: strict),
        // One adapter per peer.
        .target(
            name: "KioskCard",
            dependencies: ["KioskCore", "CPCSCLite", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"], swiftSettings: strict),
        // CUPS, and the parent's side of the render child (documents are drawn in kiosk-render).
        .target(
            name: "KioskPrint",
            dependencies: [
                "KioskCore", "CCUPS", .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ], exclude: ["README.md"], swiftSettings: strict),
        // The renderer (cairo, pango, qrencode): linked by kiosk-render, kioskctl and the
        // benchmarks, never by kioskd, so the daemon does not even load those libraries.
        .target(
            name: "KioskRender", dependencies: ["KioskCore", "KioskPrint", "CPangoCairo", "CQREncode"], exclude: ["README.md"],
            swiftSettings: strict),
        .target(
            name: "KioskHub",
            dependencies: [
                "KioskCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ], exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "KioskStore",
            dependencies: [
                "KioskCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ], exclude: ["README.md"], swiftSettings: strict),
        .target(name: "KioskConsole", dependencies: ["KioskCore", "CSystemShims"], exclude: ["README.md"], swiftSettings: strict),
        // The 2D scanner for the electronic social security card, on a serial port.
        .target(
            name: "KioskScanner", dependencies: ["KioskCore", "CSystemShims", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: strict),
        // The parsers that meet outside bytes, as fuzz targets (scripts/fuzz) and replayed inputs.
        .target(
            name: "KioskFuzzTargets",
            dependencies: [
                "KioskCore", "KioskCard", "KioskConsole", "KioskConfig", "KioskControl",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strict),
        .executableTarget(name: "kiosk-fuzz", dependencies: ["KioskFuzzTargets"], swiftSettings: strict),
        // The voice: espeak-ng and aplay as child processes.
        .target(
            name: "KioskVoice",
            dependencies: [
                "KioskCore", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
            ], swiftSettings: strict),
        // The camera: face frames in memory only.
        .target(
            name: "KioskCamera",
            dependencies: [
                "KioskCore", .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ], exclude: ["README.md"], swiftSettings: strict),

        // Shared by kioskd and kioskctl: configuration, the control socket's wire, diagnostics.
        // Site file and kiosk-config files, effective configuration, signed bundles and their history.
        .target(
            name: "KioskConfig",
            dependencies: [
                "KioskCore", "KioskConsole", "KioskPrint", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ], swiftSettings: strict),
        // The control socket's wire types and kioskctl's client (no server: kioskctl links this).
        .target(
            name: "KioskControl",
            dependencies: [
                "KioskCore", "KioskConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ], swiftSettings: strict),
        // Checks with verdicts (who acts, what to do), the device survey, the network probe.
        .target(
            name: "KioskDiagnostics",
            dependencies: [
                "KioskCore", "KioskCard", "KioskPrint", "KioskHub", "KioskStore", "KioskCamera", "KioskVoice", "CSystemShims",
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),

        // kioskd only.
        // The control socket's server: routes, peer identity, the state the routes share.
        .target(
            name: "KioskControlServer",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskControl", "KioskDiagnostics", "CSystemShims",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),
        // Composition root (KioskApp) and the services: session runner, supervisor, pollers, metrics.
        .target(
            name: "KioskDaemon",
            dependencies: [
                "KioskCore", "KioskCard", "KioskPrint", "KioskHub", "KioskStore", "KioskConsole", "KioskCamera", "KioskConfig",
                "KioskScanner", "KioskVoice", "KioskControl", "KioskControlServer", "KioskDiagnostics", "CSystemShims",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ], swiftSettings: strict),
        // The reference hub, as a library so tests start it on a loopback port.
        .target(
            name: "KioskHubSim",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),
        // In-process fakes for unit tests of logic only.
        .target(name: "KioskTesting", dependencies: ["KioskCore"], swiftSettings: strict),

        // Thin executables.
        .executableTarget(
            name: "kioskd",
            dependencies: [
                "KioskDaemon", "KioskConfig",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], exclude: ["kioskd.order"], swiftSettings: strict, linkerSettings: kioskdReleaseLink),
        .executableTarget(name: "kiosk-render", dependencies: ["KioskRender"], swiftSettings: strict),
        .executableTarget(name: "kiosk-camera", dependencies: ["CGStreamer"], swiftSettings: strict),
        .executableTarget(
            name: "kioskctl",
            dependencies: [
                "KioskCore", "KioskCard", "KioskPrint", "KioskHub", "KioskStore", "KioskConfig", "KioskControl", "KioskDiagnostics",
                "KioskRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strict),
        .executableTarget(
            name: "kiosk-hub-sim",
            dependencies: [
                "KioskHubSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),

        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "KioskCore", "KioskCard", "KioskStore", "KioskPrint", "KioskRender", "KioskHub", "KioskHubSim", "KioskConsole",
                "KioskConfig", "KioskDaemon", "KioskCamera", "KioskTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strict),

        // Virtual devices: they never import the code they test.
        .target(name: "VirtualICC", path: "devices/virtual-icc/Sources", swiftSettings: strict),
        .executableTarget(
            name: "virtual-ssc",
            dependencies: ["VirtualICC", .product(name: "Crypto", package: "swift-crypto")],
            path: "devices/virtual-ssc/Sources", swiftSettings: strict),
        .executableTarget(
            name: "virtual-psam",
            dependencies: ["VirtualICC", .product(name: "Crypto", package: "swift-crypto")],
            path: "devices/virtual-psam/Sources", swiftSettings: strict),

        // Tests: one target per module; integration tests need the rigs (scripts/rigs up).
        .testTarget(name: "KioskFuzzTests", dependencies: ["KioskFuzzTargets"], exclude: ["Corpus"]),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore", "KioskTesting"]),
        .testTarget(
            name: "KioskCardTests", dependencies: ["KioskCard", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KioskConsoleTests", dependencies: ["KioskConsole", "KioskConfig", "KioskTesting"]),
        .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "KioskCore"]),
        .testTarget(name: "KioskPrintTests", dependencies: ["KioskPrint", "KioskRender", "KioskCore", "KioskTesting"]),
        .testTarget(
            name: "KioskHubTests",
            dependencies: [
                "KioskHub", "KioskHubSim", "KioskCore", "KioskCamera", "KioskTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "KioskConfigTests",
            dependencies: [
                "KioskConfig", "KioskCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ]),
        .testTarget(name: "KioskDiagnosticsTests", dependencies: ["KioskDiagnostics", "KioskCore", "KioskTesting"]),
        .testTarget(
            name: "KioskControlServerTests",
            dependencies: [
                "KioskControlServer", "KioskControl", "KioskConfig", "KioskCore", "KioskDiagnostics", "KioskTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "KioskDaemonTests",
            dependencies: [
                "KioskDaemon", "KioskTesting", "KioskStore", "KioskCore", "KioskConfig", "KioskControlServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "KioskIntegrationTests",
            dependencies: [
                "KioskCore", "KioskCard", "KioskPrint", "KioskRender", "KioskHub", "KioskDaemon", "KioskHubSim", "KioskTesting",
                "KioskConfig", "KioskControl", "KioskCamera",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
