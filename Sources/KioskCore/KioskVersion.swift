/// The software version shown by `--version`, in heartbeats and on the status line.
public enum KioskVersion {
    public static let current = "0.1.0"
}
