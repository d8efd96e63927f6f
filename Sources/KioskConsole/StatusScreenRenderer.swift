import KioskCore

/// The pure renderer of the status screen: a model and a size in, exactly `rows` lines of
/// exactly `columns` display cells out (CJK counted as two, never cut). No I/O, so snapshot
/// tests compare its output directly.
public struct StatusScreenRenderer: Sendable {
    public init() {}

    public func render(_ screen: StatusScreen, columns: Int, rows: Int) -> [String] {
        let columns = max(columns, 20)
        let rows = max(rows, 6)
        var body: [String] = []
        body.append(DisplayWidth.center("社保自助服务终端 · 设备状态", in: columns))
        body.append(DisplayWidth.center(screen.hall, in: columns))
        body.append(String(repeating: "─", count: columns))

        body.append(section("读卡器 Readers", screen.readersCheck))
        for reader in screen.readers {
            let card = reader.cardPresent ? "有卡 card \(reader.atr ?? "")" : "无卡 no card"
            body.append("  · \(reader.name)  \(card)")
        }
        body.append(section("打印机 Printers", screen.printersCheck))
        for printer in screen.printers {
            let reasons = printer.reasons.isEmpty ? "" : " (\(printer.reasons.joined(separator: ", ")))"
            body.append("  · \(printer.name)  \(stateText(printer.state))\(reasons)")
        }
        body.append(section("中心平台 Hub", screen.hubCheck))
        body.append("  · \(screen.hubURL)")

        // Wrap long lines, keep the last row for the status line, cut what does not fit.
        var lines = body.flatMap { DisplayWidth.wrap($0, to: columns) }
        let room = rows - 1
        if lines.count > room {
            lines = Array(lines.prefix(room - 1)) + ["…"]
        }
        lines += Array(repeating: "", count: room - lines.count)
        let status = "\(screen.kioskId)  \(screen.time)"
        return lines.map { DisplayWidth.fit($0, to: columns) } + [DisplayWidth.fit(status, to: columns)]
    }

    private func section(_ title: String, _ check: StatusScreen.Check) -> String {
        switch check {
        case .ok(let text): return "[正常 OK] \(title): \(text)"
        case .warning(let text): return "[注意 WARN] \(title): \(text)"
        case .failed(let text): return "[故障 FAIL] \(title): \(text)"
        case .unknown: return "[…] \(title): 检查中 checking"
        }
    }

    private func stateText(_ state: String) -> String {
        switch state {
        case "idle": return "空闲 idle"
        case "processing": return "打印中 printing"
        case "stopped": return "已停止 stopped"
        default: return state
        }
    }
}
