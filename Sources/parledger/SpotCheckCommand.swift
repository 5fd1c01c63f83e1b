public import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
public import PARCore
import PARIndex

extension UnitKind: ExpressibleByArgument {}

struct SpotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotcheck",
        abstract: "The steering committee's spot-check (phúc tra) of at least 10% of units, after appraisal.",
        discussion: """
            Nobody can steer the draw: before appraisal opens, the committee commits to a secret
            ('spotcheck commit'); after the council closes the appraisal, the draw reveals it, and the
            seed is SHA-256(secret ‖ hash of the AppraisalClosed event). The units of a kind are
            ordered by SHA-256(seed ‖ unit id) and the first ceil(10% of the units) are drawn; anyone
            can re-run it ('spotcheck redraw') and get the same units.
            """,
        subcommands: [Commit.self, Draw.self, Score.self, Conclude.self, Redraw.self]
    )

    struct Commit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commit to the secret of the cycle's draw, before appraisal opens (steering committee).",
            discussion: """
                Makes 32 random bytes, writes them in hex to --secret-out (mode 0600; keep the file until
                the draw) and records their SHA-256. Appraisal events of the cycle are refused until this
                commitment is recorded.

                Example:
                  parledger spotcheck commit dien-bien-2019 --secret-out phuc-tra-2019.secret --key committee.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: ArgumentHelp("Where to keep the secret until the draw.", valueName: "file")) var secretOut: String

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let secret = SigningKey().seed
                try writePrivateFile(secretOut, contents: hexString(secret) + "\n")
                let commitment = CommitSpotCheck(cycle: cycle, commitment: SpotCheckDraw.commitment(to: secret))
                do {
                    _ = try signing.perform(commitment, on: scoring)
                } catch {
                    try? FileManager.default.removeItem(atPath: secretOut)
                    throw error
                }
                print(
                    "Committed to the draw of \(cycle) (commitment \(commitment.commitment.prefix(16))…); the secret is in \(secretOut)"
                )
            }
        }
    }

    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Draw the spot-check sample of one kind of unit, revealing the committed secret (after appraisal closes).",
            discussion:
                "Example:\n  parledger spotcheck draw dien-bien-2019 --kind district --secret phuc-tra-2019.secret --add huyen-muong-nhe --key committee.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: "The unit kind: department, district, commune, branch or office.") var kind: UnitKind
        @Option(help: ArgumentHelp("The secret file written by 'spotcheck commit'.", valueName: "file")) var secret:
            String
        @Option(name: .customLong("add"), help: "A unit the committee adds by name (repeatable).") var added: [String] =
            []

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let text = String(decoding: try readPrivateFile(secret, limit: 256), as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                guard let bytes = EventHash(hex: text)?.bytes else {
                    throw InputError(
                        "\(secret) does not hold a secret of 64 hex digits",
                        hint: "use the file 'spotcheck commit' wrote")
                }
                let draw = DrawSpotCheck(cycle: cycle, kind: kind, secret: hexString(bytes), added: added)
                let result = try signing.perform(draw, on: scoring)
                let recorded = try result.events[0].payloadValue
                let drawn = recorded["drawn"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let seed = recorded["seed"]?.stringValue ?? ""
                print(
                    "Drew \(drawn.joined(separator: ", ")) (seed \(seed.prefix(16))…, event \(result.events[0].sequence))\(added.isEmpty ? "" : "; added \(added.joined(separator: ", "))")"
                )
            }
        }
    }

    struct Conclude: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Conclude the spot-check of a drawn unit; criteria not spot-checked keep their appraisal.",
            discussion: "Example:\n  parledger spotcheck conclude dien-bien-2019 huyen-muong-cha --key committee.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(ConcludeSpotCheck(cycle: cycle, unit: unit), on: try location.openScoring())
                print("Concluded the spot-check of \(unit)")
            }
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the spot-check of one criterion: recognise, not-recognise, raise or lower.",
            discussion:
                "Example:\n  parledger spotcheck score dien-bien-2019 huyen-muong-cha 3.2 --decision lower --points 0.5 --reason \"Không có TLKC\" --key committee.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion code.") var criterion: String
        @Option(help: "recognise, not-recognise, raise or lower.") var decision: String
        @Option(help: "The new points (with raise or lower).") var points: String?
        @Option(help: "Why (required unless recognised).") var reason: String?

        func run() throws {
            try reportingFailures {
                let spotCheck = RecordSpotCheckScore(
                    cycle: cycle, unit: unit, criterion: criterion, decision: decision, points: points, reason: reason)
                _ = try signing.perform(spotCheck, on: try location.openScoring())
                print("Spot-check of \(criterion) for \(unit): \(decision)\(points.map { " to \($0)" } ?? "")")
            }
        }
    }

    struct Redraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-run a recorded draw from its commitment, revealed secret and closing event; confirm the units.",
            discussion: "Example:\n  parledger spotcheck redraw dien-bien-2019 --kind department"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: "The unit kind: department, district, commune, branch or office.") var kind: UnitKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let (event, recorded, redrawn) = try location.openScoring().redraw(cycle: cycle, kind: kind)
                let seed = (try? event.payloadValue)?["seed"]?.stringValue ?? ""
                if json {
                    let value: JSONValue = .object([
                        "event": .integer(Int64(event.sequence)), "seed": .string(seed),
                        "recorded": .array(recorded.map(JSONValue.string)),
                        "redrawn": .array(redrawn.map(JSONValue.string)),
                        "confirmed": .bool(recorded == redrawn),
                    ])
                    print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
                } else {
                    print("Draw at event \(event.sequence), seed \(seed)")
                    print("Recorded: \(recorded.joined(separator: ", "))")
                    print("Redrawn:  \(redrawn.joined(separator: ", "))")
                    print(
                        recorded == redrawn
                            ? "CONFIRMED: the seed gives the recorded units"
                            : "MISMATCH: the recorded draw does not follow from its seed")
                }
                if recorded != redrawn { throw ExitStatus.verificationFailed }
            }
        }
    }
}
