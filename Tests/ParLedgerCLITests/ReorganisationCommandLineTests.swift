import Foundation
import LedgerFormat
import TestSupport
import Testing

/// A reorganisation recorded through the real command line on a real LMDB directory, refused when a
/// unit does not exist or has already ended, and the next cycle's ranking comparing a merged unit with
/// its predecessors, read from the ledger's projections and from a view of the past alike.
@Suite struct ReorganisationCommandLineTests {
    @Test func aMergedUnitIsComparedWithItsPredecessorsTogether() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let secretariat = directory.secretariatKey
        let file = directory.path + "/sap-xep.json"
        func write(_ changes: String) throws {
            try Data(
                #"{"decision":"Quyết định 99/QĐ-UBND","date":"2025-03-01","changes":[\#(changes)]}"#.utf8
            ).write(to: URL(fileURLWithPath: file))
        }
        try write(#"{"change":"dissolved","from":["so-khong-co"],"to":[]}"#)
        let unknown = try CLI.run([
            "reorganise", "--file", file, "--ledger", directory.ledgerPath, "--key", secretariat,
        ])
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("unit 'so-khong-co' is in no cycle and no earlier reorganisation"))
        try write(#"{"change":"merged","from":["so-tai-chinh","so-y-te"],"to":["so-tai-chinh-y-te"]}"#)
        let merged = try CLI.succeed(["reorganise", "--file", file], on: directory, key: secretariat)
        #expect(merged.output.contains("Recorded the reorganisation by Quyết định 99/QĐ-UBND of 2025-03-01: 1 merged"))
        let again = try CLI.run(["reorganise", "--file", file, "--ledger", directory.ledgerPath, "--key", secretariat])
        #expect(again.status == 2)
        #expect(again.error.contains("unit 'so-tai-chinh' was already merged, renamed, split or dissolved"))

        let status = try JSONParser.parse(
            Array(try CLI.succeed(["cycle", "show", TemporaryDirectory.cycle, "--json"], on: directory).output.utf8))
        let frameworks = try #require(status["frameworks"])
        let next = directory.path + "/cycle-2020.json"
        try Data(
            CanonicalJSON.encode(
                .object([
                    "cycle": .string("dien-bien-2020"), "name": .string("Chỉ số CCHC năm 2020"), "year": .integer(2020),
                    "frameworks": frameworks, "previousCycle": .string(TemporaryDirectory.cycle),
                    "selfAssessmentDeadline": .string("2099-01-14T16:59:59.999Z"),
                    "units": .array([
                        .object([
                            "id": .string("so-tai-chinh-y-te"), "name": .string("Sở Tài chính và Y tế"),
                            "kind": .string("department"),
                        ])
                    ]),
                ]))
        ).write(to: URL(fileURLWithPath: next))
        _ = try CLI.succeed(["cycle", "open", "--file", next], on: directory, key: secretariat)
        for arguments in [[], ["--at", "2099-12-31"]] {
            let ranking = try CLI.succeed(
                ["ranking", "--cycle", "dien-bien-2020", "--json"] + arguments, on: directory)
            let row = try #require(try JSONParser.parse(Array(ranking.output.utf8))["units"]?.arrayValue?.first)
            #expect(row["change"]?["comparedWith"] == .array([.string("so-tai-chinh"), .string("so-y-te")]))
            #expect(row["change"]?["places"] == .null)
        }
    }
}
