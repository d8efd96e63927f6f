import Foundation
import Testing

@testable import KioskHub

@Suite struct IdempotencyKeyTests {
    /// RFC 9562 appendix A.4: version 5, DNS namespace, "www.example.com".
    @Test func matchesTheRFCExample() {
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(IdempotencyKey.named("www.example.com", in: dns) == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    /// The same rating or batch gets the same key in every run of kioskd; others get others.
    @Test func theSameNameIsTheSameUUIDAndOthersDiffer() {
        let key = IdempotencyKey.named("rating-4f1c")
        #expect(UUID(uuidString: key) != nil)
        #expect(key == IdempotencyKey.named("rating-4f1c"))
        #expect(key != IdempotencyKey.named("rating-4f1d"))
    }
}
