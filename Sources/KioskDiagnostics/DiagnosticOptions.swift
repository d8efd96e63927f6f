/// What `KioskDiagnostics.run` may do beyond looking: print a test page, read the card in the
/// slot; and where the terminal and cupsd are.
public struct DiagnosticOptions: Sendable, Equatable {
    /// Print the test page on each configured printer that is ready, and report the job id.
    public var testPage: Bool
    /// Read the card in the slot, if there is one, and report only its generation and ATR.
    public var testRead: Bool
    /// Take one frame with the camera and report its size and time (the frame is wiped).
    public var testCamera: Bool
    /// The citizen's terminal (kioskd --tty); nil checks that standard output is a terminal.
    public var ttyPath: String?
    /// cupsd as host:port or a socket path; nil uses the CUPS client default (CUPS_SERVER,
    /// client.conf, /run/cups/cups.sock). Set through CUPS_SERVER for the whole process, because
    /// libcups keeps its server per thread and its calls run on threads of their own: a tool's
    /// option (kioskctl), never the daemon's.
    public var cupsServer: String?
    /// `kioskd` to render the test page in a child process (as the daemon prints); nil renders in process.
    public var renderExecutable: String?

    public init(
        testPage: Bool = false, testRead: Bool = false, testCamera: Bool = false, ttyPath: String? = nil, cupsServer: String? = nil,
        renderExecutable: String? = nil
    ) {
        self.testPage = testPage
        self.testRead = testRead
        self.testCamera = testCamera
        self.ttyPath = ttyPath
        self.cupsServer = cupsServer
        self.renderExecutable = renderExecutable
    }
}
