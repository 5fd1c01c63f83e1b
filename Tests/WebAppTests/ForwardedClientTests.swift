import Testing

@testable import WebApp

/// Who the client is behind a proxy: addresses read strictly, ranges, and `X-Forwarded-For` believed
/// only from trusted proxies and only up to the right-most hop that is not one.
@Suite struct ForwardedClientTests {
    let local = try! TrustedProxies(["127.0.0.1", "::1", "10.0.0.0/8"])

    @Test func addressesAreReadStrictlyAndWrittenOneWay() throws {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("0:0:0:0:0:0:0:1")?.description == "::1")
        #expect(IPAddress("2001:DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPAddress("2001:db8:0:1:1:1:1:1")?.description == "2001:db8:0:1:1:1:1:1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("fe80::")?.description == "fe80::")
        #expect(IPAddress("::ffff:192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("64:ff9b::192.0.2.1")?.description == "64:ff9b::c000:201")
        for garbage in [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4:80", "[::1]", "::1%eth0", "1:::2",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "unknown", " 1.2.3.4", "١.٢.٣.٤", "+1.2.3.4",
            "1.2.3.4::", "::1.2.3.4:1", "1.2.3.4\u{0}.5",
        ] {
            #expect(IPAddress(garbage) == nil, "\(garbage)")
        }
    }

    @Test func anIPv6ClientIsCountedByItsSlash64AndAnIPv4ClientByItsAddress() {
        #expect(IPAddress("2001:db8:1:2:a:b:c:d")?.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2::ffff")?.rateLimitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:3::1")?.rateLimitKey == "2001:db8:1:3::/64")
        #expect(IPAddress("::ffff:198.51.100.1")?.rateLimitKey == "198.51.100.1")
    }

    @Test func rangesContainTheirAddressesAndRefuseWhatIsNotARange() throws {
        let range = try AddressRange("10.0.0.0/8")
        #expect(range.contains(try #require(IPAddress("10.255.1.2"))))
        #expect(!range.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!range.contains(try #require(IPAddress("::ffff:b00:1"))))
        #expect(try AddressRange("fd00::/8").contains(try #require(IPAddress("fd12::1"))))
        #expect(try AddressRange("0.0.0.0/0").contains(try #require(IPAddress("203.0.113.9"))))
        #expect(try AddressRange("::1").description == "::1")
        #expect(throws: AddressRangeError.notAnAddress("localhost")) { try AddressRange("localhost") }
        #expect(throws: AddressRangeError.badPrefix("10.0.0.0/33", bits: 32)) { try AddressRange("10.0.0.0/33") }
        #expect(throws: AddressRangeError.badPrefix("10.0.0.0/", bits: 32)) { try AddressRange("10.0.0.0/") }
        #expect(throws: AddressRangeError.badPrefix("10.0.0.0/08", bits: 32)) { try AddressRange("10.0.0.0/08") }
        #expect(throws: AddressRangeError.hostBitsSet("10.1.2.3/8", network: "10.0.0.0/8")) {
            try AddressRange("10.1.2.3/8")
        }
    }

    @Test func anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        let client = local.client(
            peer: "203.0.113.7", forwardedFor: ["198.51.100.1"], forwardedProto: ["https"])
        #expect(client == ForwardedClient(address: "203.0.113.7", overTLS: false))
        #expect(
            TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"], forwardedProto: ["https"])
                == ForwardedClient(address: "127.0.0.1", overTLS: false))
    }

    @Test func aTrustedProxyNamesTheClientAndWhetherItCameOverTLS() {
        #expect(
            local.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1"], forwardedProto: ["https"])
                == ForwardedClient(address: "198.51.100.1", overTLS: true))
        #expect(
            local.client(peer: "::1", forwardedFor: ["2001:DB8::0:7"], forwardedProto: ["http"])
                == ForwardedClient(address: "2001:db8::7", overTLS: false))
        #expect(
            local.client(peer: "127.0.0.1", forwardedFor: [], forwardedProto: [])
                == ForwardedClient(address: "127.0.0.1", overTLS: false))
    }

    @Test func theClientIsTheRightMostHopThatIsNotATrustedProxy() {
        // The client wrote the first two hops itself; the proxies appended the rest.
        let chain = ["6.6.6.6, 198.51.100.1", "203.0.113.5, 10.1.1.1"]
        #expect(
            local.client(peer: "127.0.0.1", forwardedFor: chain, forwardedProto: ["http, https"])
                == ForwardedClient(address: "203.0.113.5", overTLS: true))
        // Every hop a trusted proxy: the left-most is the client.
        #expect(
            local.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.2,10.0.0.3"], forwardedProto: [])
                .address == "10.0.0.2")
    }

    @Test func aHopThatIsNotAnAddressStopsTheWalkAtTheProxyThatPassedItOn() {
        for garbage in ["unknown", "", "1.2.3.4:5678", "[2001:db8::1]", "<script>", "_hidden"] {
            let client = local.client(
                peer: "127.0.0.1", forwardedFor: ["198.51.100.1, \(garbage), 10.0.0.9"], forwardedProto: ["https"])
            #expect(client.address == "10.0.0.9", "\(garbage)")
        }
        #expect(local.client(peer: "127.0.0.1", forwardedFor: ["garbage"], forwardedProto: []).address == "127.0.0.1")
        #expect(local.client(peer: nil, forwardedFor: ["198.51.100.1"], forwardedProto: []).address == "unknown")
    }
}
