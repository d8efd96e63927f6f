import Foundation
import KioskConsole
import KioskCore
import Testing

@Suite struct StatusScreenRendererTests {
    static let screen = StatusScreen(
        hall: "示范市人力资源和社会保障局服务大厅", kioskId: "KIOSK-DEMO-0001", time: "2026-11-22 09:30:00",
        readers: [
            ReaderStatus(name: "Virtual PCD 00 00", cardPresent: true, atr: "3B6D00000087CF20018649618B00930612"),
            ReaderStatus(name: "Virtual PCD 00 01", cardPresent: false, atr: nil),
        ],
        readersCheck: .ok("2"),
        printers: [
            PrinterStatus(name: "kiosk-a4", state: "idle", reasons: []),
            PrinterStatus(name: "kiosk-receipt", state: "stopped", reasons: ["media-empty-error"]),
        ],
        printersCheck: .warning("1/2"),
        hubURL: "http://127.0.0.1:8480/", hubCheck: .failed("the hub is not reachable"))

    @Test(arguments: [(40, 12), (80, 24), (160, 50), (20, 6)])
    func everyLineFillsExactlyTheWidthAndTheScreenExactlyTheHeight(columns: Int, rows: Int) {
        let lines = StatusScreenRenderer().render(Self.screen, columns: columns, rows: rows)
        #expect(lines.count == rows)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == columns })
        #expect(lines.last?.contains("KIOSK-DEMO-0001") == true)
    }

    @Test(arguments: [(40, 12), (80, 24)])
    func matchesSnapshot(columns: Int, rows: Int) throws {
        let rendered = StatusScreenRenderer().render(Self.screen, columns: columns, rows: rows).joined(separator: "\n") + "\n"
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots/status-\(columns)x\(rows).txt")
        if ProcessInfo.processInfo.environment["KIOSK_RECORD_SNAPSHOTS"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "snapshot differs; if the change is intended, re-record with KIOSK_RECORD_SNAPSHOTS=1")
    }
}
