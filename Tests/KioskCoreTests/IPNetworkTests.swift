import Testing

@testable import KioskCore

/// metrics.allow's networks: IPv4 and IPv6 blocks, single addresses, IPv4-mapped peers, and
/// entries that are not networks.
@Suite struct IPNetworkTests {
    @Test func blocksContainTheirAddressesOnly() throws {
        let hall = try #require(IPNetwork("10.20.0.0/16"))
        #expect(hall.contains("10.20.255.7") && !hall.contains("10.21.0.1") && !hall.contains("::1"))
        // A peer on a dual-stack socket arrives as an IPv4-mapped IPv6 address.
        #expect(hall.contains("::ffff:10.20.3.4"))
        let one = try #require(IPNetwork("192.168.1.7"))
        #expect(one.prefixLength == 32 && one.contains("192.168.1.7") && !one.contains("192.168.1.8"))
        let v6 = try #require(IPNetwork("fd00:1234::/32"))
        #expect(v6.contains("fd00:1234::9") && !v6.contains("fd00:1235::9"))
        #expect(try #require(IPNetwork("0.0.0.0/0")).contains("203.0.113.9"))
        // Host bits are cleared, so a block written from one of its hosts is the block.
        #expect(IPNetwork("10.20.3.4/16") == hall && hall.description == "10.20.0.0/16")
        #expect(IPNetwork("10.0.0.0/12")?.contains("10.15.255.255") == true && IPNetwork("10.0.0.0/12")?.contains("10.16.0.0") == false)
    }

    @Test(arguments: ["", "10.20.0.0/33", "10.20.0.0/", "10.20.0.0/-1", "10.20.0.0/1x", "hall-network", "10.20.0/16", "fd00::/129"])
    func entriesThatAreNotNetworksAreRefused(_ text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func theConfigurationRefusesAnOpenEndpointWithoutAnAllowList() {
        var configuration = KioskConfiguration()
        configuration.metrics.listen = "0.0.0.0:9464"
        #expect(configuration.validationErrors().contains { $0.hasPrefix("metrics.allow:") })
        configuration.metrics.allow = ["10.20.0.0/16", "not-a-network"]
        #expect(
            configuration.validationErrors() == [
                "metrics.allow: 'not-a-network' is not an address or network (CIDR, e.g. 10.20.0.0/16 or fd00::/8)"
            ])
        configuration.metrics.allow = ["10.20.0.0/16"]
        #expect(configuration.validationErrors().isEmpty)
        configuration.metrics = .init()
        #expect(
            configuration.validationErrors().isEmpty && KioskConfiguration.isLoopback("[::1]") && !KioskConfiguration.isLoopback("10.0.0.1")
        )
    }

    /// HTTPS with client certificates opens the endpoint without a network list; it takes all
    /// three files or none.
    @Test func anOpenEndpointOverHTTPSNeedsItsThreeFiles() {
        var configuration = KioskConfiguration()
        configuration.metrics.listen = "0.0.0.0:9464"
        configuration.metrics.certificate = "/etc/kioskd/tls/metrics.crt"
        configuration.metrics.key = "/etc/kioskd/tls/metrics.key"
        #expect(
            configuration.validationErrors().contains(
                "metrics.certificate, metrics.key, metrics.clientCA: all three (HTTPS with client certificates), or none"))
        #expect(configuration.validationErrors().contains { $0.hasPrefix("metrics.allow:") })
        configuration.metrics.clientCA = "/etc/kioskd/tls/scrapers-ca.crt"
        #expect(configuration.validationErrors().isEmpty)
        #expect(configuration.metrics.tls?.clientCA == "/etc/kioskd/tls/scrapers-ca.crt")
    }
}
