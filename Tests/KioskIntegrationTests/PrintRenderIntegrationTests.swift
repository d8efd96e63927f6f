import Foundation
import Testing

/// Documents rendered by `kioskctl print render` with the repository's templates, read back with
/// poppler (pdftotext, pdftoppm) as a citizen's paper would be read.
@Suite(.tags(.integration)) struct PrintRenderIntegrationTests {
    static let config = Rigs.repo.appendingPathComponent("kiosk-config/kiosk.yaml").path
    static let examples = Rigs.repo.appendingPathComponent("kiosk-config/examples")

    static func scratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-print-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func render(_ kind: String, data: String, out: String, environment: [String: String] = [:]) async throws -> Rigs.Output {
        try await Rigs.run(
            "kioskctl", ["print", "render", "--kind", kind, "--data", data, "--out", out, "--config", config], environment: environment)
    }

    static func text(_ pdf: String, page: Int? = nil) async throws -> String {
        var args = ["-layout"]
        if let page { args += ["-f", String(page), "-l", String(page)] }
        let out = try await Rigs.tool("pdftotext", args + [pdf, "-"])
        #expect(out.exitCode == 0, "pdftotext: \(out.stderr)")
        return squash(out.stdout)
    }

    /// Text without white space: pdftotext places spaces between CJK and digits by its own rules
    /// ("第 1页 /共 2页"), so text and expectations are compared without them.
    static func squash(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    /// A certificate from the example with `months` months of two insurances and the given names.
    static func certificateFile(_ name: String, months: Int, holder: String = "张三丰", employer: String? = nil) throws -> String {
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent("certificate.json"))) as? [String: Any])
        var cert = try #require(json["certificate"] as? [String: Any])
        let template = try #require((cert["rows"] as? [[String: Any]])?.first)
        cert["rows"] = (0..<months * 2).map { i -> [String: Any] in
            var row = template
            row["month"] = String(format: "%04d-%02d", 2026 - (i / 2) / 12, 12 - (i / 2) % 12)
            row["insurance"] = i % 2 == 0 ? "pension" : "medical"
            row["base"] = 123456
            if let employer { row["employer"] = employer }
            return row
        }
        cert["holder"] = ["name": holder, "ssn": "11010519491231002X"]
        json["certificate"] = cert
        let path = scratch(name)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aReceiptReadsBackMaskedAndIs80mmWide() async throws {
        let pdf = Self.scratch("receipt.pdf")
        let out = try await Self.render("receipt", data: Self.examples.appendingPathComponent("receipt.json").path, out: pdf)
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let text = try await Self.text(pdf)
        for expected in [
            "示范市人力资源和社会保障局服务大厅", "业务办理回执", "KIOSK-DEMO-0001", "2026-11-22 10:30:05", "参保证明打印", "欧***",
            "1101**********002X", "TX-20261122-000123", "扫码查询办理结果",
        ] {
            #expect(text.contains(Self.squash(expected)), "missing \(expected) in:\n\(text)")
        }
        #expect(!text.contains("11010519491231002X"), "the full SSN must not be printed")
        #expect(!text.contains("欧阳娜娜"))
        // 80 mm at 80 dpi is 252 px; the picture is what the printer gets.
        let png = Self.scratch("receipt")
        #expect(try await Rigs.tool("pdftoppm", ["-png", "-r", "80", "-singlefile", pdf, png]).exitCode == 0)
        let info = Self.squash(try await Rigs.tool("pdfinfo", [pdf]).stdout)
        #expect(info.contains("Pages:1"))
        #expect(info.contains("Pagesize:226.77"), "\(info)")
        #expect(FileManager.default.fileExists(atPath: png + ".png"))
    }

    @Test func aCertificateHasPageNumbersAmountsInYuanAndRepeatedHeaders() async throws {
        let pdf = Self.scratch("certificate.pdf")
        let data = try Self.certificateFile("certificate.json", months: 24)
        let out = try await Self.render("certificate", data: data, out: pdf)
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let first = try await Self.text(pdf, page: 1)
        for expected in [
            "社会保险参保证明", "证明编号：CERT-2026-000042", "验证码：7Q2K-9XRM", "张**", "1101**********002X", "养老保险", "参保缴费",
            "1,234.56", "489.84", "第 1 页 / 共 2 页", "打印时间：2026-11-22 10:30:05",
        ] {
            #expect(first.contains(Self.squash(expected)), "missing \(expected) on page 1:\n\(first)")
        }
        let second = try await Self.text(pdf, page: 2)
        #expect(second.contains("缴费明细（金额单位：元）（续）"), "\(second)")
        #expect(second.contains("费款所属期") && second.contains("第2页/共2页"))
    }

    @Test func theSameDataGivesTheSameFile() async throws {
        let data = Self.examples.appendingPathComponent("certificate.json").path
        let a = Self.scratch("same-a.pdf")
        let b = Self.scratch("same-b.pdf")
        #expect(try await Self.render("certificate", data: data, out: a).exitCode == 0)
        #expect(try await Self.render("certificate", data: data, out: b).exitCode == 0)
        #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    }

    @Test func aCertificateOfThirtyPages() async throws {
        let pdf = Self.scratch("long.pdf")
        let started = ContinuousClock.now
        let out = try await Self.render("certificate", data: try Self.certificateFile("long.json", months: 760), out: pdf)
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        #expect(ContinuousClock.now - started < .seconds(20))
        let info = try await Rigs.tool("pdfinfo", [pdf]).stdout
        let pagesLine = try #require(info.split(separator: "\n").first { $0.hasPrefix("Pages:") })
        let count = try #require(Int(pagesLine.split(separator: " ").last ?? ""))
        #expect(count >= 30, "\(info)")
        #expect(out.stdout.contains("\(count) page(s)"))
        let last = try await Self.text(pdf, page: count)
        #expect(last.contains("第\(count)页/共\(count)页"), "\(last)")
        let thirtieth = try await Self.text(pdf, page: 30)
        #expect(thirtieth.contains("费款所属期") && thirtieth.contains("（续）"))
    }

    /// 𠮷 (U+20BB7, outside the BMP) and 㛃 (U+36C3, extension A) come out as themselves.
    @Test func rareCharactersRender() async throws {
        let pdf = Self.scratch("rare.pdf")
        let data = try Self.certificateFile("rare.json", months: 2, holder: "𠮷㛃", employer: "㛃𠮷科技有限公司")
        let out = try await Self.render("certificate", data: data, out: pdf)
        #expect(out.exitCode == 0, "stderr: \(out.stderr)")
        let text = try await Self.text(pdf)
        #expect(text.contains("𠮷*"), "\(text)")
        #expect(text.contains("㛃𠮷科技有限公司"))
    }

    /// No fonts at all (fontconfig pointed at an empty configuration): a visible failure, no file.
    @Test func withoutFontsRenderingFailsVisibly() async throws {
        let conf = Self.scratch("empty-fonts.conf")
        try """
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "fonts.dtd">
        <fontconfig><cachedir>\(Self.scratch("fc-cache"))</cachedir></fontconfig>
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let pdf = Self.scratch("nofonts.pdf")
        let out = try await Self.render(
            "receipt", data: Self.examples.appendingPathComponent("receipt.json").path, out: pdf, environment: ["FONTCONFIG_FILE": conf])
        #expect(out.exitCode == 1)
        #expect(out.stderr.contains("no glyph in the installed fonts") && out.stderr.contains("fonts-noto-cjk"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pdf))
    }

    @Test func badDataIsRefusedWithTheFileNamed() async throws {
        let data = Self.scratch("bad.json")
        try #"{"hall": "x"}"#.write(toFile: data, atomically: true, encoding: .utf8)
        let out = try await Self.render("receipt", data: data, out: Self.scratch("bad.pdf"))
        #expect(out.exitCode == 1)
        #expect(out.stderr.contains("bad.json is not receipt data"), "\(out.stderr)")
    }
}
