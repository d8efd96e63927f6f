import KioskConfig
import Testing

/// File lists that can never be unpacked are told apart from a disk that fails: the first is
/// refused for good, the second is asked for again at the next hub poll.
@Suite struct ConfigBundleLayoutTests {
    @Test func aListThatCanBeUnpackedHasNoProblem() {
        #expect(ConfigBundleFiles.layoutProblem(["kiosk.yaml", "locales/zh-CN.json", "locales/en.json", "guides/a.json"]) == nil)
        #expect(ConfigBundleFiles.layoutProblem([String]()) == nil)
    }

    @Test(arguments: [
        (["a", "a/b"], "'a' is also the folder of 'a/b'"),
        (["locales", "locales/zh-CN.json"], "'locales' is also the folder"),
        (["../kiosk.yaml"], "outside the bundle folder"),
        (["/etc/passwd"], "outside the bundle folder"),
        ([String(repeating: "x", count: 256)], "longer than 255 bytes"),
    ])
    func aListThatNeverUnpacksIsNamed(paths: [String], expected: String) {
        let problem = ConfigBundleFiles.layoutProblem(paths)
        #expect(problem?.contains(expected) == true, "\(String(describing: problem))")
    }
}
