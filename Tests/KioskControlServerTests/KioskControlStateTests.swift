import Testing

@testable import KioskControlServer

/// The hub poller's memory of bundles (KioskControlState): one bundle at a time with the
/// supervisor, and a refusal for a passing reason does not stop the bundle from being fetched again.
@Suite struct KioskControlStateTests {
    @Test func aBundleRefusedForAPassingReasonIsFetchedAgain() async {
        let state = KioskControlState()
        await state.notePull(etag: "\"v1\"")
        await state.hubBundleSubmitted()
        #expect(await state.hubBundlePending)
        // Busy for 90 s: the ETag of v1 stays, so the next poll gets v2 again.
        await state.hubBundleAnswered(etag: "\"v2\"", retryLater: true)
        #expect(await !state.hubBundlePending)
        #expect(await state.lastETag == "\"v1\"")
        // Refused for good (or applied): its ETag is kept and the hub answers 304 from then on.
        await state.hubBundleSubmitted()
        await state.hubBundleAnswered(etag: "\"v2\"", retryLater: false)
        #expect(await state.lastETag == "\"v2\"")
        #expect(await state.config.lastPull != nil)
    }
}
