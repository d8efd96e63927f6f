// The store: issue 6.
import KioskCore

public enum KioskStoreSchema { public static let version = 0 }
