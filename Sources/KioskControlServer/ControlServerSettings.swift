import KioskCore
import KioskDiagnostics

/// What the control socket needs from the daemon's start: where to listen, which kiosk it is,
/// and how to run diagnostics (injectable, so the routes are tested without the devices).
public struct ControlServerSettings: Sendable {
    /// The site configuration kioskd started with: the socket path and the kiosk id come from it,
    /// and diagnostics check it until a front runs.
    public var site: KioskConfiguration
    /// The citizen's terminal (kioskd --tty), for the terminal check.
    public var ttyPath: String?
    /// `kiosk-render` for test pages; nil: the one beside the running executable.
    public var renderExecutable: String?
    public var diagnose: @Sendable (KioskConfiguration, DiagnosticOptions) async -> [DiagnosticResult]

    public init(
        site: KioskConfiguration, ttyPath: String? = nil, renderExecutable: String? = nil,
        diagnose: @escaping @Sendable (KioskConfiguration, DiagnosticOptions) async -> [DiagnosticResult] = {
            await KioskDiagnostics.run(configuration: $0, options: $1)
        }
    ) {
        self.site = site
        self.ttyPath = ttyPath
        self.renderExecutable = renderExecutable
        self.diagnose = diagnose
    }
}
