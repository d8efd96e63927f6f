import KioskCore
import Testing

/// The breaker as a pure state machine: outcomes and a clock in, decisions and a status out.
@Suite struct HubBreakerTests {
    let start = ContinuousClock.now

    @Test func failuresDegradeThenOpenAndAnOpenBreakerRefuses() {
        var breaker = HubBreaker(failureThreshold: 3, openFor: .seconds(10))
        #expect(breaker.status == .up)
        breaker.recordFailure(now: start)
        #expect(breaker.status == .degraded)
        let allowed1 = breaker.allowRequest(now: start)
        #expect(allowed1)
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        #expect(breaker.status == .down)
        let allowed2 = breaker.allowRequest(now: start + .seconds(9))
        #expect(!allowed2)
    }

    @Test func aSuccessBeforeTheThresholdStartsTheCountAgain() {
        var breaker = HubBreaker(failureThreshold: 3, openFor: .seconds(10))
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        breaker.recordSuccess()
        breaker.recordFailure(now: start)
        breaker.recordFailure(now: start)
        #expect(breaker.status == .degraded)
    }

    @Test func afterTheOpenPeriodOneProbeAtATimeDecides() {
        var breaker = HubBreaker(failureThreshold: 1, openFor: .seconds(10))
        breaker.recordFailure(now: start)
        let allowed3 = breaker.allowRequest(now: start + .seconds(10))
        #expect(allowed3, "the probe")
        let allowed4 = breaker.allowRequest(now: start + .seconds(10))
        #expect(!allowed4, "a second request while the probe is out")
        breaker.recordFailure(now: start + .seconds(11))
        let allowed5 = breaker.allowRequest(now: start + .seconds(20))
        #expect(!allowed5, "a failed probe opens it again, from its failure")
        let allowed6 = breaker.allowRequest(now: start + .seconds(21))
        #expect(allowed6)
        breaker.recordSuccess()
        #expect(breaker.status == .up)
        let allowed7 = breaker.allowRequest(now: start + .seconds(21))
        #expect(allowed7)
    }

    /// A probe whose caller gave up says nothing of the hub: the next request may probe.
    @Test func anAbandonedProbeFreesTheSlotAndChangesNothingElse() {
        var breaker = HubBreaker(failureThreshold: 1, openFor: .seconds(10))
        breaker.abandonProbe()
        #expect(breaker.state == .closed(consecutiveFailures: 0), "no probe out: nothing to free")
        breaker.recordFailure(now: start)
        breaker.abandonProbe()
        let allowed8 = breaker.allowRequest(now: start + .seconds(1))
        #expect(!allowed8, "still open")
        let allowed9 = breaker.allowRequest(now: start + .seconds(10))
        #expect(allowed9)
        breaker.abandonProbe()
        #expect(breaker.status == .down)
        let allowed10 = breaker.allowRequest(now: start + .seconds(10))
        #expect(allowed10, "the next request is the probe")
    }
}
