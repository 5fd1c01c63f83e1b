import Foundation
import Testing

@testable import Ledger
@testable import LedgerFormat

/// The envelope's hex, base64 and timestamps are written straight into its bytes.
@Suite struct EncodingTests {
    @Test func base64IsWhatFoundationWrites() {
        for count in 0...70 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var out: [UInt8] = []
            appendBase64(bytes, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Data(bytes).base64EncodedString(), "\(count) bytes")
        }
    }

    @Test func hexIsLowercaseTwoDigitsPerByte() {
        var out: [UInt8] = []
        appendHex([0x00, 0x0F, 0xA5, 0xFF], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "000fa5ff")
        #expect(hexString([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
    }
}
