import KioskCore
import KioskDiagnostics
import KioskTesting
import Testing

@Suite struct DeviceSurveyTests {
    @Test func oneFamilyDownDoesNotHideTheOther() async {
        let survey = await DeviceSurvey.take(
            readers: FakeReaderDirectory(.failure(KioskError(.pcscUnavailable, "pcscd is not running"))),
            printers: FakePrinterDirectory(.success([PrinterStatus(name: "kiosk-a4", state: "idle", reasons: [])])))
        #expect((try? survey.printers.get())?.map(\.name) == ["kiosk-a4"])
        guard case .failure(let error) = survey.readers else {
            Issue.record("readers should have failed")
            return
        }
        #expect(error.code == .pcscUnavailable)
    }
}
