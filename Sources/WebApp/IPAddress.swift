import Glibc

/// An IPv4 or IPv6 address read strictly from its text, so that the server can tell whether a peer or a
/// hop of `X-Forwarded-For` is a trusted proxy and key its rate limits on one spelling per address.
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, how a dual-stack socket shows an IPv4 peer) is read
/// as the IPv4 address it maps.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), in network order.
    public let bytes: [UInt8]

    /// The address `text` spells, as the C library's `inet_pton` reads it: IPv4 as four decimal numbers
    /// 0–255 without leading zeros, IPv6 as in RFC 4291 (hex groups, one `::`, an IPv4 tail); nil for
    /// anything else (ports, brackets, zones, names, spaces).
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard !text.utf8.contains(0) else { return nil }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let v6 = withUnsafeBytes(of: &v6) { Array($0) }
            let mapped = v6.prefix(10).allSatisfy { $0 == 0 } && v6[10] == 0xff && v6[11] == 0xff
            bytes = mapped ? Array(v6.suffix(4)) : v6
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// What a rate limit counts this address under: an IPv4 address itself, an IPv6 address its /64
    /// (one host or household usually holds a whole /64 and may pick any address in it).
    public var rateLimitKey: String {
        bytes.count == 4
            ? description : "\(IPAddress(bytes: Array(bytes.prefix(8)) + Array(repeating: 0, count: 8)))/64"
    }

    /// IPv4 dotted; IPv6 as RFC 5952 writes it (lower case, the longest run of two or more zero groups as `::`).
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]) }
        var best = (start: -1, length: 1)
        var index = 0
        while index < 8 {
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = max(end, index + 1)
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// A range of addresses written as CIDR (`10.0.0.0/8`, `fd00::/8`) or one address (`127.0.0.1`), for
/// the proxies `parledger serve` trusts.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// The range `text` writes; throws `AddressRangeError` naming what is wrong with it.
    public init(_ text: String) throws(AddressRangeError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let network = IPAddress(parts[0]) else { throw .notAnAddress(text) }
        let bits = network.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(parts[1]),
                (0...bits).contains(value), parts[1] == "0" || parts[1].first != "0"
            else { throw .badPrefix(text, bits: bits) }
            length = value
        }
        guard Self.masked(network.bytes, length) == network.bytes else {
            throw .hostBitsSet(text, network: "\(IPAddress(bytes: Self.masked(network.bytes, length)))/\(length)")
        }
        self.network = network
        self.prefixLength = length
    }

    /// Whether `address` is in the range (an IPv4 address is never in an IPv6 range, nor the reverse).
    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && Self.masked(address.bytes, prefixLength) == network.bytes
    }

    public var description: String {
        prefixLength == network.bytes.count * 8 ? "\(network)" : "\(network)/\(prefixLength)"
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(8, max(0, length - index * 8))
            return kept == 8 ? byte : byte & ~(UInt8(0xff) >> kept)
        }
    }
}

/// Why a trusted proxy's range was refused.
public enum AddressRangeError: Error, Equatable, CustomStringConvertible {
    case notAnAddress(String)
    case badPrefix(String, bits: Int)
    case hostBitsSet(String, network: String)

    public var description: String {
        switch self {
        case .notAnAddress(let text):
            "'\(text)' is not an IP address or a CIDR range (such as 127.0.0.1, ::1 or 10.0.0.0/8)"
        case .badPrefix(let text, let bits):
            "'\(text)': the prefix length after / is a number from 0 to \(bits)"
        case .hostBitsSet(let text, let network):
            "'\(text)' has bits set after its prefix; the range is written \(network)"
        }
    }
}
