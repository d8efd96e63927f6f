import KioskCore

/// In-process fakes for unit tests of logic only.
public struct FakeReaderDirectory: ReaderDirectory {
    public var result: Result<[ReaderStatus], KioskError>
    public init(_ result: Result<[ReaderStatus], KioskError>) { self.result = result }
    public func readers() async throws -> [ReaderStatus] { try result.get() }
}
public struct FakePrinterDirectory: PrinterDirectory {
    public var result: Result<[PrinterStatus], KioskError>
    public init(_ result: Result<[PrinterStatus], KioskError>) { self.result = result }
    public func printers() async throws -> [PrinterStatus] { try result.get() }
}
