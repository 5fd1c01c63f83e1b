import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerFormat
import NIOCore
import PARFixtures
import Testing

@testable import WebApp

/// A unit's whole sheet uploaded in its page: read by the CLI's code, answered row by row (every bad
/// row on its own line, nothing appended) or as the rows of one command the officer then signs; a
/// document of a kind not taken is refused in Vietnamese.
extension WebAppTests {
    @Test func anUploadedSheetBecomesTheRowsOfOneSignedCommand() async throws {
        let province = try Province(departments: 1, districts: 0)
        let leaves = province.assessedLeaves(of: "d01").prefix(2)
        let csv =
            "criterion,points,explanation\n"
            + leaves.map {
                "\($0.code),\"\($0.maxPoints.description.replacingOccurrences(of: ".", with: ","))\",Tính theo kết quả"
            }
            .joined(separator: "\n")
        try await withServer(province) { client in
            let headers = try await logIn(client, province, as: province.officer("d01"))
            let review = try await client.execute(
                uri: "/api/cycles/\(province.cycle)/units/d01/sheet", method: .post, headers: headers,
                body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try json(response)
            }
            #expect(review["scores"] == .integer(2))
            guard case .array(let rows)? = review["rows"] else { throw StoppedTest("no rows") }
            #expect(rows.first?["points"]?.stringValue == leaves.first?.maxPoints.description)
            let before = try province.scoring.ledger.head().count
            let intent: JSONValue = .object([
                "operation": .string("self-assessment"), "cycle": .string(province.cycle), "unit": .string("d01"),
                "rows": .array(rows), "submit": .bool(false),
            ])
            let appended = try await command(
                client, province, as: province.officer("d01"), headers: headers, intent)
            #expect(appended.status == .created)
            #expect(try province.scoring.ledger.head().count == before + 2)
        }
    }

    @Test func aSheetWithBadRowsNamesEachOnItsOwnLineAndAppendsNothing() async throws {
        let province = try Province(departments: 1, districts: 0)
        let leaf = try #require(province.assessedLeaves(of: "d01").first)
        let csv = "criterion,points,explanation\n9.9.9,1,x\n\(leaf.code),99,Tính\n"
        try await withServer(province) { client in
            let headers = try await logIn(client, province, as: province.officer("d01"))
            let before = try province.scoring.ledger.head()
            try await client.execute(
                uri: "/api/cycles/\(province.cycle)/units/d01/sheet", method: .post, headers: headers,
                body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try json(response)
                guard case .array(let problems)? = body["problems"] else { throw StoppedTest("no problems") }
                #expect(problems.map { $0["row"] } == [.integer(2), .integer(3)])
                let message = try #require(body["error"]?["detail"]?.stringValue)
                #expect(message.contains("\nDòng 2: ") && message.contains("\nDòng 3: "))
            }
            #expect(try province.scoring.ledger.head() == before)
        }
    }

    @Test func aDocumentOfAKindNotTakenIsRefusedInVietnamese() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let headers = try await logIn(client, province, as: province.officer("d01"))
            try await client.execute(
                uri: "/api/evidence?name=bao-cao.exe&unit=d01", method: .post, headers: headers,
                body: ByteBuffer(string: "MZ")
            ) { response in
                #expect(response.status == .badRequest)
                let message = try json(response)["error"]?["detail"]?.stringValue ?? ""
                #expect(message.contains("Không nhận tệp \"bao-cao.exe\"") && message.contains(".pdf"))
            }
        }
    }
}

/// A test that cannot go on, and why.
struct StoppedTest: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
