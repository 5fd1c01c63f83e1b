import Foundation
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// What the log host cannot hide (FORMAT.md, Events): a signed command appended a second time, and an
/// envelope field nobody signs. `ChainWalk` is what `parledger verify`, the monitor and the bundle
/// verifier all walk a history with.
@Suite struct ReplayTests {
    /// The ledger's events, then `extra` rechained after them as the log host would append them.
    private func walk(_ events: [RecordedEvent], appending extra: [RecordedEvent]) -> VerificationProblem? {
        var walk = ChainWalk(ledgerID: "replay-test", batchSize: 1)
        var previous = events.last!
        var versions: [String: UInt64] = [:]
        for event in events { versions[event.stream] = event.streamVersion }
        var all = events
        for event in extra {
            let sequence = previous.sequence + 1
            let version = (versions[event.stream] ?? 0) + 1
            versions[event.stream] = version
            let envelope = RecordedEvent.envelope(
                sequence: sequence, stream: event.stream, streamVersion: version, type: event.type,
                schemaVersion: event.schemaVersion, payload: event.payload, actor: event.actor,
                recordedAt: previous.recordedAt, commandID: event.commandID, causationID: event.causationID,
                correlationID: event.correlationID, keyID: event.keyID, signature: event.signature,
                previousHash: previous.hash, hash: nil, signedAt: event.signedAt, basis: event.basis)
            let appended = RecordedEvent(
                sequence: sequence, stream: event.stream, streamVersion: version, type: event.type,
                schemaVersion: event.schemaVersion, payload: event.payload, actor: event.actor,
                recordedAt: previous.recordedAt, commandID: event.commandID, causationID: event.causationID,
                correlationID: event.correlationID, keyID: event.keyID, signature: event.signature,
                previousHash: previous.hash, hash: EventHash.of(envelope), signedAt: event.signedAt, basis: event.basis)
            all.append(appended)
            previous = appended
        }
        for event in all {
            if walk.startsNewCommand(event), let problem = walk.finishCommand() { return problem }
            if let problem = walk.check(event) { return problem }
        }
        return walk.finishCommand() ?? walk.firstDeferredProblem()
    }

    private func history() throws -> (TemporaryDirectory, [RecordedEvent]) {
        let directory = try TemporaryDirectory()
        var options = LedgerOptions(policy: PermitAll())
        options.newLedgerID = "replay-test"
        let fixture = try Fixture(in: directory, options: options)
        try fixture.appendScores(4)
        return (directory, try fixture.ledger.events())
    }

    @Test func anIntactHistoryPassesTheWalk() throws {
        let (_, events) = try history()
        #expect(walk(events, appending: []) == nil)
    }

    @Test func aCommandAppendedAgainWithItsOwnSignatureIsRefusedAsAReplay() throws {
        let (_, events) = try history()
        let problem = walk(events, appending: [events[2]])
        #expect(problem?.kind == .command)
        #expect(problem?.sequence == UInt64(events.count + 1))
        #expect(
            problem?.reason.contains("already used by the command at events 3–3") == true,
            "\(String(describing: problem))")
    }

    @Test func aHostThatRemovesAnIdFromItsIndexToAppendTheCommandAgainIsCaughtByVerify() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory, options: permitAll)
        let correction = try fixture.command("correction", [draft("unit/1", "1.5")])
        try fixture.ledger.append(correction)
        try fixture.append("later", [draft("unit/1", "2.5")])
        #expect(try fixture.ledger.verify().isIntact)
        // The host deletes the command id beneath the ledger and appends the same signed command again.
        _ = try fixture.ledger.environment.write {
            try $0.delete(Array("correction".utf8), in: fixture.ledger.commands)
        }
        let replayed = try fixture.ledger.append(correction)
        #expect(!replayed.wasAlreadyRecorded && replayed.events.first?.sequence == 4)
        let report = try fixture.ledger.verify()
        #expect(report.problem?.kind == .command, "\(String(describing: report.problem))")
        #expect(report.problem?.sequence == 4)
        #expect(report.problem?.reason.contains("already used by the command at events 2–2") == true)
    }

    @Test func aCausationThatIsNotTheCommandIdIsRefused() throws {
        let (_, events) = try history()
        let original = events[1]
        let rewritten = RecordedEvent(
            sequence: 0, stream: original.stream, streamVersion: 0, type: original.type,
            schemaVersion: original.schemaVersion, payload: original.payload, actor: original.actor,
            recordedAt: original.recordedAt, commandID: "c-new", causationID: "someone-else", correlationID: "c-new",
            keyID: original.keyID, signature: original.signature, previousHash: original.previousHash,
            hash: original.hash, signedAt: original.signedAt, basis: original.basis)
        let problem = walk(events, appending: [rewritten])
        #expect(problem?.kind == .chain)
        #expect(problem?.reason.contains("causation") == true, "\(String(describing: problem))")
    }
}

/// The grammars both verifiers read alike (FORMAT.md, Strict text), each refusing what the other would.
@Suite struct StrictGrammarTests {
    private let key = SigningKey()
    private var verifier: NoteVerifierKey { NoteVerifierKey(name: "parledger/tinh-thu", publicKey: key.publicKey) }

    @Test func base64IsReadOnlyInItsCanonicalForm() {
        #expect(CanonicalBase64.decode("AQI=") == [1, 2])
        #expect(CanonicalBase64.decode("AQJ=") == nil, "a spare padding bit set")
        #expect(CanonicalBase64.decode("AQI") == nil, "no padding")
        #expect(CanonicalBase64.decode("AQ I=") == nil)
        #expect(CanonicalBase64.decode("AQI=", count: 3) == nil)
    }

    @Test func base64IsReadExactlyWhenItIsWhatEncodingItsBytesGivesBack() {
        // The reading by hand agrees with decoding and encoding again, on texts close to base64.
        var generator = SystemRandomNumberGenerator()
        let characters = Array("AQIBgw+/=9z ".utf8) + [0xC3]
        for length in 0...13 {
            for _ in 0..<400 {
                let text = String(
                    decoding: (0..<length).map { _ in characters.randomElement(using: &generator)! }, as: UTF8.self)
                let roundTrip = Data(base64Encoded: text).flatMap { data in
                    data.base64EncodedString() == text ? Array(data) : nil
                }
                #expect(CanonicalBase64.decode(text) == roundTrip, "\(text)")
            }
        }
        for count in 0...9 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(CanonicalBase64.decode(Data(bytes).base64EncodedString(), count: count) == bytes)
        }
    }

    @Test func aCheckpointSizeIsDecimalWithoutSignOrLeadingZero() throws {
        let root = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(try Checkpoint(parsing: "o\n93\n\(root)\n").size == 93)
        for size in ["+93", "093", " 93", "93 ", "", "9223372036854775808", "-1"] {
            #expect(throws: NoteVerifierKey.Problem.self, "\(size)") {
                try Checkpoint(parsing: "o\n\(size)\n\(root)\n")
            }
        }
        #expect(throws: NoteVerifierKey.Problem.self) { try Checkpoint(parsing: "o\n93\n\(root)\n\nextra\n") }
    }

    @Test func aSignedNoteRefusesControlCharactersAndBadNames() throws {
        let note = SignedNote.sign("parledger/tinh-thu\n1\nroot\n", name: verifier.name, key: key)
        #expect(try SignedNote.open(note, verifier: verifier) == "parledger/tinh-thu\n1\nroot\n")
        let blob = Data(repeating: 1, count: 68).base64EncodedString()
        for name in ["a\tb", "a+b", "a\u{1}b", "a\u{A0}b", "a\u{3000}b", ""] {
            #expect(throws: NoteVerifierKey.Problem.self, "\(name.unicodeScalars.map(\.value))") {
                try SignedNote.split(note + "— \(name) \(blob)\n")
            }
        }
        #expect(try SignedNote.split(note + "— example.com/other \(blob)\n").signatures.count == 2)
        #expect(throws: NoteVerifierKey.Problem.self) {
            try SignedNote.split(note.replacingOccurrences(of: "1\n", with: "1\r\n"))
        }
    }

    @Test func separatorsAreCodePointsEvenBeforeACombiningMark() throws {
        let note = SignedNote.sign("parledger/tinh-thu\n1\nroot\n", name: verifier.name, key: key)
        let blob = Data(repeating: 1, count: 68).base64EncodedString()
        let signatures = try SignedNote.split(note + "— \u{301}example.com/other \(blob)\n").signatures
        #expect(signatures.map(\.name) == [verifier.name, "\u{301}example.com/other"])
        #expect("a +\u{301}b".splitScalars("+") == ["a ", "\u{301}b"])
        #expect("w \u{301}x".splitScalars(" ") == ["w", "\u{301}x"])
    }

    @Test func namesAreComparedByteForByteNotAsEquivalentText() {
        #expect(!SignedNote.sameName("witness/K", "witness/\u{212A}"))
        #expect(!SignedNote.sameName("caf\u{E9}", "cafe\u{301}"))
        #expect(SignedNote.sameName("witness/K", "witness/K"))
    }

    @Test func aTrustPolicyHasOneExactLayout() throws {
        let genesis = String(repeating: "ab", count: 32)
        let good =
            "parledger-trust-policy/1\n# comment\n\nledger tinh-thu\ngenesis \(genesis)\nlog \(verifier)\nquorum 0\n"
        #expect(try TrustPolicy(parsing: Array(good.utf8)).ledgerID == "tinh-thu")
        let variants = [
            good.replacingOccurrences(of: "ledger tinh-thu", with: " ledger tinh-thu"),
            good.replacingOccurrences(of: "ledger tinh-thu", with: "ledger  tinh-thu"),
            good.replacingOccurrences(of: "ledger tinh-thu", with: "ledger tinh-thu "),
            good.replacingOccurrences(of: "ledger tinh-thu", with: "ledger\ttinh-thu"),
            good.replacingOccurrences(of: "# comment", with: "  # comment"),
            good.replacingOccurrences(of: "\n", with: "\r\n"),
            good.replacingOccurrences(of: genesis, with: genesis.uppercased()),
            String(good.dropLast()),
        ]
        for variant in variants {
            #expect(throws: TrustPolicy.Problem.self, "\(variant.debugDescription)") {
                try TrustPolicy(parsing: Array(variant.utf8))
            }
        }
    }

    @Test func jsonNestsAtMostSixtyFourLevels() throws {
        let deep = { (levels: Int) in String(repeating: "[", count: levels) + String(repeating: "]", count: levels) }
        #expect(throws: Never.self) { try JSONParser.parse(deep(64)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep(65)) }
        #expect(throws: Never.self) { try JSONParser.parse("{\"a\":" + deep(63) + "}") }
    }

    @Test func blankMeansOnlyTheListedWhiteSpace() {
        #expect("".isBlank && " \u{3000}\u{A0}\n".isBlank)
        #expect(!"\u{200B}".isBlank, "U+200B is not White_Space")
        #expect(!"\u{FEFF}".isBlank)
        #expect("\u{2003}lý do\u{3000}".trimmingWhiteSpace == "lý do")
    }

    @Test func textOutsideUnicode14IsRefusedWhereverJSONIsRead() throws {
        #expect(UnicodeRepertoire.firstOutside("Sở Tư pháp – Điện Biên") == nil)
        #expect(UnicodeRepertoire.firstOutside("Kiểm toán \u{1E030}")?.value == 0x1E030, "assigned in Unicode 15")
        #expect(UnicodeRepertoire.firstOutside("\u{E000}")?.value == 0xE000, "private use")
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"a\u{1E030}\"") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\\ue000\"") }
    }

    @Test func displayNamesComeFromTheRepertoireWhateverTheRuntimeKnows() {
        #expect(DisplayName.problem("Nguyễn Thị Hồng Nhung (Sở Nội vụ)", "x") == nil)
        #expect(DisplayName.problem("สมชาย", "x") != nil, "Thai letters are letters, but not Latin")
        #expect(DisplayName.problem("Kiểm toán \u{1E030}", "x") != nil)
        #expect(DisplayName.problem("Ва́ня", "x")?.contains("Greek or Cyrillic") == true)
        #expect(DisplayName.problem(String(repeating: "e\u{301}", count: 101), "x") != nil, "202 code points")
        #expect(DisplayName.problem("A\u{200B}B", "x") != nil)
    }
}

/// Where commands enter, the ledger refuses what the verifiers would refuse in its bundle.
@Suite struct EntryTests {
    @Test func aCommandHoldingACharacterNewerThanUnicode14IsRefusedAndAppendsNothing() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let before = try fixture.ledger.head()
        #expect {
            try fixture.append("late-letter", [draft("unit/1", "1.5", criterion: "1.1\u{1E030}")])
        } throws: { error in
            "\(error)".contains("U+1E030") && "\(error)".contains("Unicode 14.0")
        }
        #expect(try fixture.ledger.head() == before)
        #expect(try fixture.ledger.verify().isIntact)
    }
}
