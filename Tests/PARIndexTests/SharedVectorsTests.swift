import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import TestSupport
import Testing

/// The shared vectors of Tests/Vectors, which the Python verifier (tools/test_vectors.py) and the
/// pages' JavaScript (tools/test_js_vectors.mjs) are held to as well: PARIndex's spot-check draw and
/// points give exactly the values written there.
@Suite struct SharedVectorsTests {
    struct DrawVectors: Decodable {
        struct Draw: Decodable {
            let name, secret, closingHash: String
            let percentHundredths: Int64
            let units: [String]
            let commitment, seed: String
            let sampleSize: Int
            let drawn: [String]
        }
        let draws: [Draw]
    }

    struct PointsVectors: Decodable {
        struct Typed: Decodable {
            let text: String
            let hundredths: Int64
            let canonical, vietnamese: String
        }
        struct Refused: Decodable { let text: String }
        let typed: [Typed]
        let refused: [Refused]
    }

    @Test func spotCheckDraw() throws {
        for vector in try sharedVectors(DrawVectors.self, "draw.json").draws {
            let secret = try #require(EventHash(hex: vector.secret)).bytes
            let closing = try #require(EventHash(hex: vector.closingHash))
            let seed = SpotCheckDraw.seed(secret: secret, closedBy: closing)
            let size = SpotCheckDraw.sampleSize(
                units: vector.units.count, percent: Points(hundredths: vector.percentHundredths))
            #expect(SpotCheckDraw.commitment(to: secret) == vector.commitment, "\(vector.name)")
            #expect(hexString(seed) == vector.seed, "\(vector.name)")
            #expect(size == vector.sampleSize, "\(vector.name)")
            #expect(SpotCheckDraw.draw(seed: seed, units: vector.units, size: size) == vector.drawn, "\(vector.name)")
        }
    }

    @Test func points() throws {
        let vectors = try sharedVectors(PointsVectors.self, "points.json")
        for vector in vectors.typed {
            let points = try Points(parsing: vector.text)
            #expect(points.hundredths == vector.hundredths, "\(vector.text.debugDescription)")
            #expect(points.description == vector.canonical, "\(vector.text.debugDescription)")
            #expect(Points(hundredths: vector.hundredths).description == vector.canonical)
        }
        for vector in vectors.refused {
            #expect(throws: Points.ParseError.self, "\(vector.text.debugDescription)") {
                try Points(parsing: vector.text)
            }
        }
    }
}

/// The vectors of `Tests/Vectors/<name>`.
private func sharedVectors<Vectors: Decodable>(_ type: Vectors.Type, _ name: String) throws -> Vectors {
    try JSONDecoder().decode(
        type, from: Data(contentsOf: URL(fileURLWithPath: Repository.file("Tests/Vectors/\(name)"))))
}
