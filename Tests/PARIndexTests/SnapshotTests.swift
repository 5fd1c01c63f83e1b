import Foundation
import Ledger
import LedgerFormat
import PARFixtures
import Testing

@testable import PARCore
@testable import PARIndex

/// Snapshots of the state are stored at each publication, bound to the hash of their event, and
/// never trusted: one that does not match is ignored and the view computed from the events.
@Suite struct SnapshotTests {
    /// A published cycle with a correction after it, and the sequence number of the publication.
    private func published() throws -> (Province, UInt64) {
        let p = try Province(departments: 3, districts: 2)
        try p.publishCycle()
        let publication = try #require(try p.scoring.cycle(p.cycle)?.publication).sequence
        try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "0")])
        return (p, publication)
    }

    private func snapshotDatabases(_ p: Province) throws -> (
        index: ProjectionDatabase, headers: ProjectionDatabase, parts: ProjectionDatabase
    ) {
        (
            try p.scoring.ledger.projections.database(named: "par-snapshot-index", create: false),
            try p.scoring.ledger.projections.database(named: "par-snapshots", create: false),
            try p.scoring.ledger.projections.database(named: "par-snapshot-parts", create: false)
        )
    }

    /// The published results as a fresh process sees them as of the publication.
    private func resultsHashAsOf(_ sequence: UInt64, _ p: Province) throws -> String {
        let reopened = try ScoringLedger.open(at: p.directory.ledgerPath, readOnly: true)
        return try reopened.state(asOf: sequence).results(cycle: p.cycle).hash
    }

    @Test func aPublicationStoresASnapshotBoundToItsEvent() throws {
        let (p, publication) = try published()
        let databases = try snapshotDatabases(p)
        let bound = try p.scoring.ledger.projections.read {
            try $0.value(for: bigEndianBytes(publication), in: databases.index)
        }
        #expect(bound == (try p.scoring.ledger.event(at: publication))?.hash.bytes)
        #expect(try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash))
    }

    @Test func aDamagedSnapshotHeaderIsIgnoredAndTheViewComputedFromTheEvents() throws {
        let (p, publication) = try published()
        let databases = try snapshotDatabases(p)
        try p.scoring.ledger.projections.write { txn in
            var bytes = try #require(try txn.value(for: bigEndianBytes(publication), in: databases.headers))
            bytes[bytes.count / 2] ^= 0x5A
            try txn.put(bytes, for: bigEndianBytes(publication), in: databases.headers)
        }
        #expect(try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash))
    }

    @Test func aSnapshotWithADamagedOrMissingPartIsIgnored() throws {
        for damage in ["flip", "remove"] {
            let (p, publication) = try published()
            let databases = try snapshotDatabases(p)
            try p.scoring.ledger.projections.write { txn in
                var parts: [ProjectionEntry] = []
                try txn.forEach(in: databases.parts) { entry in
                    parts.append(entry)
                    return true
                }
                #expect(parts.count == 2, "one cycle, one batch of documents")
                for part in parts {
                    if damage == "remove" {
                        try txn.delete(part.key, in: databases.parts)
                    } else {
                        var bytes = part.value
                        bytes[bytes.count / 3] ^= 0x01
                        try txn.put(bytes, for: part.key, in: databases.parts)
                    }
                }
            }
            #expect(
                try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash),
                "\(damage)")
        }
    }

    @Test func aSnapshotBoundToAnotherEventIsIgnored() throws {
        let (p, publication) = try published()
        let databases = try snapshotDatabases(p)
        let other = try #require(try p.scoring.ledger.event(at: publication - 1)).hash.bytes
        try p.scoring.ledger.projections.write { txn in
            try txn.put(other, for: bigEndianBytes(publication), in: databases.index)
        }
        #expect(try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash))
    }

    @Test func theHeaderOfAnotherSnapshotFiledUnderThePublicationIsIgnored() throws {
        let p = try Province(departments: 3, districts: 2)
        try p.publishCycle()
        let publication = try #require(try p.scoring.cycle(p.cycle)?.publication).sequence
        // A second cycle-free snapshot, of the head, filed under the publication.
        try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "0")])
        let databases = try snapshotDatabases(p)
        let head = try p.scoring.state()
        try p.scoring.ledger.projections.write { txn in
            try txn.put(
                StateSnapshot.encodeHeader(of: head, evidenceParts: []), for: bigEndianBytes(publication),
                in: databases.headers)
        }
        #expect(try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash))
    }

    @Test func aRebuildWritesTheSnapshotsAgainFromTheEvents() throws {
        let (p, publication) = try published()
        let databases = try snapshotDatabases(p)
        try p.scoring.ledger.projections.write { txn in
            for database in [databases.index, databases.headers, databases.parts] { try txn.removeAll(from: database) }
        }
        try p.scoring.rebuild()
        let stored = try p.scoring.ledger.projections.read { try $0.count(of: databases.index) }
        #expect(stored == 1)
        #expect(try resultsHashAsOf(publication, p) == (try p.scoring.cycle(p.cycle)?.publication?.resultsHash))
    }

    @Test func theStateAtTheHeadEqualsTheStateFoldedFromEveryEvent() throws {
        let (p, _) = try published()
        let folded = try ProvinceState().evolving(try p.scoring.ledger.events())
        let reopened = try ScoringLedger.open(at: p.directory.ledgerPath, readOnly: true)
        let loaded = try reopened.state()
        #expect(loaded.sequence == folded.sequence && loaded.lastHash == folded.lastHash)
        #expect(try loaded.results(cycle: p.cycle).hash == (try folded.results(cycle: p.cycle).hash))
        #expect(loaded.scoreCount == folded.scoreCount)
        for unit in p.units {
            let lhs = try loaded.scores(cycle: p.cycle, unit: unit.id).map(\.1)
            let rhs = try folded.scores(cycle: p.cycle, unit: unit.id).map(\.1)
            #expect(lhs == rhs, "\(unit.id)")
        }
    }

    @Test func aBatchTheStorageRunsAgainWhenItsMapGrowsFoldsEachEventOnce() throws {
        let p = try Province(departments: 20, districts: 0, initialMapSize: 128 << 10)
        // Twenty whole self-assessments, each ending in its submission, in one write transaction far
        // larger than the map: it fills up midway, grows, and the transaction runs again.
        let commands = try p.units.map { unit in
            let events =
                p.assessedLeaves(of: unit.id).map { p.selfScore(unit.id, $0.code, $0.maxPoints.description) }
                + [p.submit(unit.id)]
            let command = Command(id: "self-\(unit.id)", actor: p.officer(unit.id), events: events)
            return try p.scoring.ledger.sign(command, with: try #require(p.keys[p.officer(unit.id)]))
        }
        try p.scoring.append(batch: commands)
        let folded = try ProvinceState().evolving(try p.scoring.ledger.events())
        #expect(try p.scoring.state().results(cycle: p.cycle).hash == (try folded.results(cycle: p.cycle).hash))
        #expect(try p.scoring.unitRecord(cycle: p.cycle, unit: "d20")?.stage == .submitted)
    }

    @Test func theStateOfOneCycleAsOfAnEventEqualsThatCycleInTheWholeStateAsOfIt() throws {
        let (p, publication) = try published()
        let head = try p.scoring.ledger.head().count
        for sequence in [1, publication / 2, publication - 1, publication, head - 1, head] {
            let whole = try p.scoring.state(asOf: sequence)
            let one = try p.scoring.state(of: p.cycle, asOf: sequence)
            #expect(one.sequence == whole.sequence && one.lastHash == whole.lastHash, "\(sequence)")
            #expect(one.cycle(p.cycle) == whole.cycle(p.cycle), "\(sequence)")
            guard whole.cycle(p.cycle) != nil else { continue }
            #expect(try one.results(cycle: p.cycle).hash == (try whole.results(cycle: p.cycle).hash), "\(sequence)")
            for unit in p.units {
                #expect(
                    try one.unitScores(cycle: p.cycle, unit: unit.id).json
                        == (try whole.unitScores(cycle: p.cycle, unit: unit.id).json), "\(sequence) \(unit.id)")
            }
        }
    }

    @Test func aBatchRefusedMidwayLeavesTheStateInMemoryAsItWasBefore() throws {
        let p = try Province(departments: 3, districts: 0)
        try p.selfAssessFully("d01")
        func selfAssessment(_ unit: String, id: String) throws -> Command {
            let events =
                p.assessedLeaves(of: unit).map { p.selfScore(unit, $0.code, $0.maxPoints.description) }
                + [p.submit(unit)]
            return try p.scoring.ledger.sign(
                Command(id: id, actor: p.officer(unit), events: events), with: try #require(p.keys[p.officer(unit)]))
        }
        let before = try p.scoring.state()
        // d02's whole self-assessment is folded in, then d01's second submission is refused.
        #expect(throws: RuleViolation.self) {
            try p.scoring.append(batch: [try selfAssessment("d02", id: "d02"), try selfAssessment("d01", id: "again")])
        }
        let after = try p.scoring.state()
        #expect(after.sequence == before.sequence && after.lastHash == before.lastHash)
        #expect(try after.unitRecord(cycle: p.cycle, unit: "d02")?.stage == .selfAssessment)
        #expect(try after.scores(cycle: p.cycle, unit: "d02").allSatisfy { $0.1.selfScore == nil })
        try p.scoring.append(try selfAssessment("d02", id: "d02"))
        let folded = try ProvinceState().evolving(try p.scoring.ledger.events())
        #expect(try p.scoring.state().results(cycle: p.cycle).hash == (try folded.results(cycle: p.cycle).hash))
    }

    @Test func undoingEventsFoldedInPlaceGivesBackTheStateByteForByte() throws {
        let (p, _) = try published()
        let events = try p.scoring.ledger.events()
        func bytes(_ state: ProvinceState) -> [UInt8] {
            StateSnapshot.encodeHeader(of: state, evidenceParts: [])
                + StateSnapshot.encodeEvidence(state.evidence.keys, of: state)
                + state.cycles.keys.sorted().flatMap { StateSnapshot.encode(state.cycles[$0]!) }
        }
        for kept in [events.count / 3, events.count - 40] {
            var state = try ProvinceState().evolving(events.prefix(kept))
            let before = bytes(state)
            var undo = ProvinceState.UndoLog()
            for event in events.dropFirst(kept) { _ = try state.evolve(event, payload: nil, undo: &undo) }
            // The first event again, refused, half folded in.
            #expect(throws: RuleViolation.self) { try state.evolve(events[kept], payload: nil, undo: &undo) }
            #expect(bytes(state) != before)
            state.undo(&undo)
            #expect(bytes(state) == before, "\(kept)")
            #expect(undo.isEmpty)
        }
    }
}
