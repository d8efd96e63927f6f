import Foundation

/// How much longer than usual the tests wait for real processes and peers: 1 normally, and
/// `KIOSK_TEST_TIME_SCALE` when set (`scripts/test --sanitize` sets it), since under a sanitizer
/// every program the tests start runs several times slower and starts slower still. Only waits
/// for something to happen stretch (a screen to show, a request's timeout, a breaker's open
/// period, the bound on a hang); what a test checks happened stays the same.
public enum TestTime {
    public static let scale: Double = {
        guard let text = ProcessInfo.processInfo.environment["KIOSK_TEST_TIME_SCALE"], let value = Double(text), value >= 1 else {
            return 1
        }
        // A kiosk's hub timeout stretched with it must stay within what its site file allows (120 s).
        return min(value, 20)
    }()

    public static func scaled(_ duration: Duration) -> Duration { duration * scale }
}
