import Foundation
import Ledger
import LedgerFormat

/// How the projections are stored. The records written on every event (criterion scores and unit
/// records) use a compact binary layout, because the projector reads and writes them once per event;
/// the rarer ones (cycles, evidence) are canonical JSON built by their own types. Both are deterministic, so a rebuild
/// writes the same bytes.
package enum StateCoding {
    package static let version: UInt8 = 2
    /// Records written before N/A rejections, spot-check conclusions and self-assessors were kept.
    package static let legacyVersion: UInt8 = 1

    package static func encode(_ record: CycleRecord) -> [UInt8] {
        CanonicalJSON.encode(record.json)
    }

    package static func decodeCycle(_ bytes: [UInt8]) throws -> CycleRecord {
        try CycleRecord(json: try JSONParser.parse(bytes))
    }

    package static func encode(_ record: ExplanationRecord) -> [UInt8] {
        CanonicalJSON.encode(record.json)
    }

    package static func decodeExplanation(_ bytes: [UInt8]) throws -> ExplanationRecord {
        try ExplanationRecord(json: try JSONParser.parse(bytes))
    }

    package static func encode(_ record: ObjectionRecord) -> [UInt8] {
        CanonicalJSON.encode(record.json)
    }

    package static func decodeObjection(_ bytes: [UInt8]) throws -> ObjectionRecord {
        try ObjectionRecord(json: try JSONParser.parse(bytes))
    }

    package static func decodeEvidence(_ bytes: [UInt8]) throws -> PAREvents.EvidenceAdded {
        try PAREvents.EvidenceAdded(
            payload: try PayloadReader(try JSONParser.parse(bytes), type: PAREvents.EvidenceAdded.type))
    }

    package static func encode(_ score: CriterionScore) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(256)
        for mark in [
            score.selfScore, score.notApplicable, score.appraised, score.spotCheck, score.survey, score.correction,
            score.notApplicableRejected,
        ] {
            writeOptional(mark, to: &out, write)
        }
        return out
    }

    package static func decodeScore(_ bytes: [UInt8]) throws -> CriterionScore {
        try reading(bytes) { reader, version in
            var score = CriterionScore()
            score.selfScore = try readOptional(&reader, readMark)
            score.notApplicable = try readOptional(&reader, readMark)
            score.appraised = try readOptional(&reader, readMark)
            score.spotCheck = try readOptional(&reader, readMark)
            score.survey = try readOptional(&reader, readMark)
            score.correction = try readOptional(&reader, readMark)
            if version >= 2 { score.notApplicableRejected = try readOptional(&reader, readMark) }
            return score
        }
    }

    package static func encode(_ unit: UnitRecord) -> [UInt8] {
        var out: [UInt8] = [version]
        appendField(unit.stage.rawValue.utf8, to: &out)
        writeOptional(unit.deadlineExtendedUntil, to: &out, write)
        writeOptional(unit.excludedFromRanking, to: &out, write)
        out.append(unit.spotChecked ? 1 : 0)
        out.append(unit.spotCheckConcluded ? 1 : 0)
        appendInteger(UInt32(unit.selfAssessedBy.count), to: &out)
        for actor in unit.selfAssessedBy { write(actor, to: &out) }
        return out
    }

    package static func decodeUnit(_ bytes: [UInt8]) throws -> UnitRecord {
        try reading(bytes) { reader, version in
            var unit = UnitRecord()
            guard let stage = UnitStage(rawValue: try reader.text()) else {
                throw ByteReader.Malformed(reason: "unknown stage")
            }
            unit.stage = stage
            unit.deadlineExtendedUntil = try readOptional(&reader) { try $0.text() }
            unit.excludedFromRanking = try readOptional(&reader) { try $0.text() }
            unit.spotChecked = try reader.byte() == 1
            if version >= 2 {
                unit.spotCheckConcluded = try reader.byte() == 1
                let count = try reader.integer(UInt32.self)
                for _ in 0..<count { unit.selfAssessedBy.append(try reader.text()) }
            }
            return unit
        }
    }

    private static func reading<T>(_ bytes: [UInt8], _ body: (inout ByteReader, UInt8) throws -> T) throws -> T {
        var reader = ByteReader(bytes: bytes)
        do {
            let found = try reader.byte()
            guard found == version || found == legacyVersion else {
                throw ByteReader.Malformed(reason: "unknown projection record format")
            }
            let value = try body(&reader, found)
            guard reader.isAtEnd else { throw ByteReader.Malformed(reason: "trailing bytes") }
            return value
        } catch let error as ByteReader.Malformed {
            throw RuleViolation(
                "a stored projection record is damaged (\(error.reason)); rebuild the projections",
                vi: "Một bản ghi dữ liệu tổng hợp bị hỏng; hãy dựng lại dữ liệu tổng hợp.", kind: .integrity)
        }
    }

    private static func write(_ text: String, to out: inout [UInt8]) {
        appendField(text.utf8, to: &out)
    }

    private static func write(_ mark: Mark, to out: inout [UInt8]) {
        writeOptional(mark.points, to: &out, write)
        write(mark.actor, to: &out)
        appendInteger(mark.sequence, to: &out)
        write(mark.at, to: &out)
        writeOptional(mark.reason, to: &out, write)
        writeOptional(mark.evidence, to: &out) { citations, out in
            appendInteger(UInt32(citations.count), to: &out)
            for citation in citations {
                write(citation.name, to: &out)
                write(citation.sha256, to: &out)
            }
        }
        writeOptional(mark.decision, to: &out, write)
    }

    private static func readMark(_ reader: inout ByteReader) throws -> Mark {
        let points = try readOptional(&reader) { try $0.text() }
        let actor = try reader.text()
        let sequence = try reader.integer(UInt64.self)
        let at = try reader.text()
        let reason = try readOptional(&reader) { try $0.text() }
        let evidence = try readOptional(&reader) { reader in
            let count = try reader.integer(UInt32.self)
            var citations: [EvidenceCitation] = []
            for _ in 0..<count {
                citations.append(EvidenceCitation(name: try reader.text(), sha256: try reader.text()))
            }
            return citations
        }
        let decision = try readOptional(&reader) { try $0.text() }
        return Mark(
            points: points, actor: actor, sequence: sequence, at: at, reason: reason, evidence: evidence,
            decision: decision)
    }

    private static func writeOptional<T>(_ value: T?, to out: inout [UInt8], _ write: (T, inout [UInt8]) -> Void) {
        guard let value else { return out.append(0) }
        out.append(1)
        write(value, &out)
    }

    private static func readOptional<T>(
        _ reader: inout ByteReader, _ read: (inout ByteReader) throws -> T
    ) throws -> T? {
        try reader.byte() == 1 ? try read(&reader) : nil
    }
}
