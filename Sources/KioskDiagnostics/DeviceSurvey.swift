import KioskCore

/// One look at every device: the readers through pcscd, the printers through cupsd. A device
/// family that is down is reported as its error; the other one still answers.
public struct DeviceSurvey: Sendable {
    public var readers: Result<[ReaderStatus], KioskError>
    public var printers: Result<[PrinterStatus], KioskError>

    public static func take(readers: any ReaderDirectory, printers: any PrinterDirectory) async -> DeviceSurvey {
        async let r = capture { try await readers.readers() }
        async let p = capture { try await printers.printers() }
        return await DeviceSurvey(readers: r, printers: p)
    }

    private static func capture<T>(_ body: () async throws -> T) async -> Result<T, KioskError> {
        do { return .success(try await body()) } catch let error as KioskError {
            return .failure(error)
        } catch {
            return .failure(KioskError(.invalidInput, "\(error)"))
        }
    }
}
