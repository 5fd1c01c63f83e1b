import Foundation
import PARCore
import PARIndex
import TestSupport
import Testing

@testable import WebApp

/// Points as the pages show them in Vietnamese, with a decimal comma: what Tests/Vectors/points.json
/// says, which the pages' JavaScript (tools/test_js_vectors.mjs) is held to as well.
@Suite struct SharedVectorsTests {
    struct PointsVectors: Decodable {
        struct Typed: Decodable {
            let hundredths: Int64
            let vietnamese: String
        }
        let typed: [Typed]
    }

    @Test func pointsInVietnamese() throws {
        let path = Repository.file("Tests/Vectors/points.json")
        let vectors = try JSONDecoder().decode(PointsVectors.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        for vector in vectors.typed {
            #expect(Vietnamese.number(Points(hundredths: vector.hundredths).description) == vector.vietnamese)
        }
    }
}
