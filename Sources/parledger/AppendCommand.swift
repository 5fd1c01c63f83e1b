import ArgumentParser
import Foundation
import Ledger

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event to a stream (a generic, low-level command).",
        discussion: """
            The payload is a JSON object; decimals such as points are written as strings.

            The command is signed with --key (or $PARLEDGER_KEY) and recorded for the actor owning
            that key, if that actor's roles allow the event type.

            Example:
              parledger append --key so-tai-chinh.key --stream 2019/so-tai-chinh \\
                --type SelfScoreRecorded --payload '{"unit":"so-tai-chinh","criterion":"1.1","points":"1.5"}'
            """
    )

    @OptionGroup var location: LedgerLocation

    @OptionGroup var signing: SigningOptions

    @Option(help: "The stream to append to.")
    var stream: String

    @Option(help: "The event type (ASCII letters, digits, '.', '-', '_').")
    var type: String

    @Option(help: "The payload as JSON text.")
    var payload: String?

    @Option(help: ArgumentHelp("Read the payload from this UTF-8 JSON file.", valueName: "file"))
    var payloadFile: String?

    @Option(help: ArgumentHelp("Refuse unless the stream is at this version ('none' for a new stream).", valueName: "version"))
    var expectVersion: String?

    @Flag(help: "Print the recorded event as canonical JSON.")
    var json = false

    func validate() throws {
        guard (payload == nil) != (payloadFile == nil) else {
            throw ValidationError("Give exactly one of --payload and --payload-file.")
        }
        if let expectVersion, expectVersion != "none", UInt64(expectVersion) == nil {
            throw ValidationError("--expect-version takes a version number or 'none'.")
        }
    }

    func run() throws {
        try reportingFailures {
            let source = payloadFile ?? "--payload"
            let bytes: [UInt8]
            if let payloadFile {
                guard let data = FileManager.default.contents(atPath: payloadFile) else {
                    throw InputError("cannot read the payload file \(payloadFile)", hint: "check the path and its permissions")
                }
                bytes = Array(data)
            } else {
                bytes = Array((payload ?? "").utf8)
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw InputError("the payload in \(source) is not acceptable JSON: \(error)", hint: "nothing was appended; correct the payload and retry")
            }
            var expected: [String: ExpectedVersion] = [:]
            if let expectVersion {
                expected[stream] = UInt64(expectVersion).map(ExpectedVersion.exactly) ?? .noStream
            }
            let ledger = try location.openScoring()
            let result = try signing.issue(
                [EventDraft(stream: stream, type: type, payload: value)], to: ledger, expectedVersions: expected
            )
            for event in result.events {
                if json {
                    print(String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self))
                } else {
                    let note = result.wasAlreadyRecorded ? " (already recorded by this command id; nothing appended)" : ""
                    print("Event \(event.sequence) \(event.type) on \(event.stream) #\(event.streamVersion), hash \(event.hash.hex)\(note)")
                }
            }
        }
    }
}
