import ArgumentParser
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct CorrectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a published score, citing the decision that orders it (secretariat).",
        discussion:
            "--objection ID cites the unit's objection (kiến nghị) the correction resolves.\n\nExample:\n  parledger correct dien-bien-2019 so-y-te 3.4.1 2 --decision 812/QĐ-UBND --reason \"Phúc khảo: hồ sơ trễ hạn do lỗi hệ thống\" --objection kn-1a2b3c4d --key so-noi-vu.key"
    )
    @OptionGroup var location: LedgerLocation
    @OptionGroup var signing: SigningOptions
    @Argument(help: "The cycle id.") var cycle: String
    @Argument(help: "The unit id.") var unit: String
    @Argument(help: "The criterion code.") var criterion: String
    @Argument(help: "The corrected points.") var points: String
    @Option(help: "The decision that orders the correction.") var decision: String
    @Option(help: "Why.") var reason: String
    @Option(help: ArgumentHelp("The id of the unit's objection this correction resolves.", valueName: "id"))
    var objection: String?

    func run() throws {
        try reportingFailures {
            let correction = RecordCorrection(
                cycle: cycle, unit: unit, criterion: criterion, points: points, decision: decision, reason: reason,
                objection: objection)
            let result = try signing.perform(correction, on: try location.openScoring())
            print(
                "Corrected \(criterion) of \(unit) to \(points) by decision \(decision)\(objection.map { ", resolving objection \($0)" } ?? "") (event \(result.events[0].sequence))"
            )
        }
    }
}
