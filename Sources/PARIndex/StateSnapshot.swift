import Foundation
import Ledger
import LedgerFormat
import PARCore

/// A `ProvinceState` written down, bound to the hash of the event it follows, so that a view of the
/// past starts near its event instead of at event 1. A snapshot is never trusted: one whose event
/// the ledger does not hold with that hash, or any of whose parts is missing or does not decode, is
/// ignored and the state is computed from an earlier one (or from the first event).
///
/// A snapshot is a header and parts, so that each costs what changed since the last one, not the
/// whole state again:
/// - the header (`par-snapshots`): `PLSS`, a format byte, the sequence number (8 bytes) and hash (32)
///   of the last event folded in, every framework's canonical JSON, the keys of its evidence parts,
///   per cycle the id and the sequence of the last event that changed it, and, per actor, the roles
///   it held (role, scope, the events that gave and took back each), and every change to the map of
///   units (the event, the decision, its date, and the change's canonical JSON);
/// - a cycle part (`par-snapshot-parts`, key `c` ‖ cycle ‖ 0 ‖ big-endian sequence): the cycle's record,
///   objections and units with their scores and explanation requests, as the cycle stood after that
///   event, so that a cycle no event changed since is shared by every later snapshot;
/// - an evidence part (key `e` ‖ big-endian first ‖ big-endian last sequence): the documents added
///   after the previous snapshot, up to this one; a snapshot's documents are all its parts' together.
///
/// Every list is in key order and every record in the projections' own encoding (`StateCoding`), so
/// the same state always gives the same bytes; each header and part ends with the SHA-256 of what
/// precedes it, so that damaged bytes are refused rather than read as another state. The digest is
/// no seal: whoever can write the ledger's storage can rewrite the projections as well; `rebuild`
/// recomputes both, and verifiers never read either.
enum StateSnapshot {
    static let magic = Array("PLSS".utf8)
    static let format: UInt8 = 4

    /// What a header names.
    struct Header {
        let sequence: UInt64
        let hash: EventHash
        let frameworks: [[UInt8]]
        let evidenceParts: [[UInt8]]
        let cycles: [(id: String, changedAt: UInt64)]
        let roles: RoleHistory
        let map: UnitMap

        func partKey(ofCycle cycle: (id: String, changedAt: UInt64)) -> [UInt8] {
            StateSnapshot.cyclePartKey(cycle.id, cycle.changedAt)
        }
    }

    static func cyclePartKey(_ cycle: String, _ changedAt: UInt64) -> [UInt8] {
        [UInt8(ascii: "c")] + Array(cycle.utf8) + [0] + bigEndianBytes(changedAt)
    }

    static func evidencePartKey(after first: UInt64, through last: UInt64) -> [UInt8] {
        [UInt8(ascii: "e")] + bigEndianBytes(first) + bigEndianBytes(last)
    }

    static func sortedKeys<Value>(_ values: [String: Value]) -> [String] {
        values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // MARK: Writing

    static func encodeHeader(of state: ProvinceState, evidenceParts: [[UInt8]]) -> [UInt8] {
        var out = magic + [format]
        appendInteger(state.sequence, to: &out)
        out += state.lastHash.bytes
        appendInteger(UInt32(state.frameworks.count), to: &out)
        for id in sortedKeys(state.frameworks) {
            appendField(CanonicalJSON.encode(state.frameworks[id]!.json), to: &out)
        }
        appendInteger(UInt32(evidenceParts.count), to: &out)
        for key in evidenceParts { appendField(key, to: &out) }
        appendInteger(UInt32(state.cycles.count), to: &out)
        for id in sortedKeys(state.cycles) {
            appendField(id.utf8, to: &out)
            appendInteger(state.cycles[id]!.changedAt, to: &out)
        }
        appendInteger(UInt32(state.roles.spans.count), to: &out)
        for actor in sortedKeys(state.roles.spans) {
            let spans = state.roles.spans[actor]!
            appendField(actor.utf8, to: &out)
            appendInteger(UInt32(spans.count), to: &out)
            for span in spans {
                appendField(span.role.utf8, to: &out)
                appendField((span.scope.map { [1] + Array($0.utf8) }) ?? [0], to: &out)
                appendInteger(span.from, to: &out)
                appendInteger(span.until ?? 0, to: &out)
            }
        }
        appendInteger(UInt32(state.map.steps.count), to: &out)
        for step in state.map.steps {
            appendInteger(step.sequence, to: &out)
            appendField(
                CanonicalJSON.encode(
                    PAREvents.UnitsReorganised(decision: step.decision, date: step.date, changes: [step.change]).json),
                to: &out)
        }
        return sealed(out)
    }

    static func encode(_ cycle: ProvinceState.CycleState) -> [UInt8] {
        var out: [UInt8] = []
        appendField(StateCoding.encode(cycle.record), to: &out)
        appendInteger(cycle.version, to: &out)
        appendInteger(cycle.changedAt, to: &out)
        appendInteger(UInt32(cycle.objections.count), to: &out)
        for key in sortedKeys(cycle.objections) { appendField(StateCoding.encode(cycle.objections[key]!), to: &out) }
        appendInteger(UInt32(cycle.units.count), to: &out)
        for id in sortedKeys(cycle.units) {
            let unit = cycle.units[id]!
            appendField(id.utf8, to: &out)
            appendField(StateCoding.encode(unit.record), to: &out)
            appendInteger(UInt32(unit.scores.count), to: &out)
            for code in sortedKeys(unit.scores) {
                appendField(code.utf8, to: &out)
                appendField(StateCoding.encode(unit.scores[code]!), to: &out)
            }
            appendInteger(UInt32(unit.explanations.count), to: &out)
            for request in sortedKeys(unit.explanations) {
                appendField(StateCoding.encode(unit.explanations[request]!), to: &out)
            }
        }
        return sealed(out)
    }

    /// The documents `sha256s` of `state`, as an evidence part.
    static func encodeEvidence(_ sha256s: [String], of state: ProvinceState) -> [UInt8] {
        var out: [UInt8] = []
        appendInteger(UInt32(sha256s.count), to: &out)
        for sha256 in sha256s.sorted() {
            appendField(sha256.utf8, to: &out)
            appendField(state.evidence[sha256] ?? [], to: &out)
        }
        return sealed(out)
    }

    private static func sealed(_ bytes: [UInt8]) -> [UInt8] { bytes + SHA256Digest.bytes(bytes) }

    // MARK: Reading

    /// The bytes before the digest, when the digest holds.
    private static func unsealed(_ bytes: [UInt8]) -> ByteReader? {
        guard bytes.count >= 32 else { return nil }
        let body = Array(bytes.dropLast(32))
        guard SHA256Digest.bytes(body) == Array(bytes.suffix(32)) else { return nil }
        return ByteReader(bytes: body)
    }

    static func decodeHeader(_ bytes: [UInt8]) -> Header? {
        guard var reader = unsealed(bytes) else { return nil }
        do {
            guard try reader.bytes(4) == magic, try reader.byte() == format else { return nil }
            let sequence = try reader.integer(UInt64.self)
            guard let hash = EventHash(bytes: try reader.bytes(32)) else { return nil }
            let frameworks = try (0..<reader.integer(UInt32.self)).map { _ in try reader.field() }
            let evidence = try (0..<reader.integer(UInt32.self)).map { _ in try reader.field() }
            let cycles = try (0..<reader.integer(UInt32.self)).map { _ in
                (id: try reader.text(), changedAt: try reader.integer(UInt64.self))
            }
            var roles = RoleHistory()
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let actor = try reader.text()
                roles.spans[actor] = try (0..<reader.integer(UInt32.self)).map { _ in
                    let role = try reader.text()
                    let scope = try reader.field()
                    guard let flag = scope.first, flag <= 1, flag == 1 || scope.count == 1 else {
                        throw ByteReader.Malformed(reason: "a role's scope is neither absent nor a name")
                    }
                    let from = try reader.integer(UInt64.self)
                    let until = try reader.integer(UInt64.self)
                    return RoleHistory.Span(
                        role: role, scope: flag == 1 ? String(decoding: scope.dropFirst(), as: UTF8.self) : nil,
                        from: from, until: until == 0 ? nil : until)
                }
            }
            var map = UnitMap()
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let sequence = try reader.integer(UInt64.self)
                let payload = try JSONParser.parse(try reader.field())
                map.note(
                    try PAREvents.UnitsReorganised(
                        payload: PayloadReader(payload, type: PAREvents.UnitsReorganised.type)),
                    at: sequence)
            }
            guard reader.isAtEnd else { return nil }
            return Header(
                sequence: sequence, hash: hash, frameworks: frameworks, evidenceParts: evidence, cycles: cycles,
                roles: roles, map: map)
        } catch {
            return nil
        }
    }

    static func decodeCycle(_ bytes: [UInt8]) -> ProvinceState.CycleState? {
        guard var reader = unsealed(bytes) else { return nil }
        do {
            var cycle = ProvinceState.CycleState(
                record: try StateCoding.decodeCycle(try reader.field()), version: try reader.integer(UInt64.self))
            cycle.changedAt = try reader.integer(UInt64.self)
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let objection = try StateCoding.decodeObjection(try reader.field())
                cycle.objections[objection.objection] = objection
            }
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let unitID = try reader.text()
                var unit = ProvinceState.UnitState(record: try StateCoding.decodeUnit(try reader.field()))
                for _ in 0..<(try reader.integer(UInt32.self)) {
                    let code = try reader.text()
                    unit.scores[code] = try StateCoding.decodeScore(try reader.field())
                }
                for _ in 0..<(try reader.integer(UInt32.self)) {
                    let request = try StateCoding.decodeExplanation(try reader.field())
                    unit.explanations[request.request] = request
                }
                cycle.units[unitID] = unit
            }
            return reader.isAtEnd ? cycle : nil
        } catch {
            return nil
        }
    }

    /// The documents of an evidence part, by SHA-256.
    static func decodeEvidence(_ bytes: [UInt8]) -> [String: [UInt8]]? {
        guard var reader = unsealed(bytes) else { return nil }
        do {
            var found: [String: [UInt8]] = [:]
            for _ in 0..<(try reader.integer(UInt32.self)) { found[try reader.text()] = try reader.field() }
            return reader.isAtEnd ? found : nil
        } catch {
            return nil
        }
    }

    /// The state a header and its parts (read by `part`) give, or nil when a part is missing or
    /// damaged, or does not belong to the header.
    static func state(of header: Header, part: ([UInt8]) throws -> [UInt8]?) throws -> ProvinceState? {
        var state = ProvinceState()
        for json in header.frameworks {
            guard let framework = try? Framework(json: try JSONParser.parse(json)) else { return nil }
            state.frameworks[framework.id] = framework
        }
        for key in header.evidenceParts {
            guard let bytes = try part(key), let documents = decodeEvidence(bytes) else { return nil }
            for (sha256, payload) in documents where state.evidence[sha256] == nil { state.evidence[sha256] = payload }
        }
        for cycle in header.cycles {
            guard let bytes = try part(header.partKey(ofCycle: cycle)), let decoded = decodeCycle(bytes),
                decoded.record.opened.cycle == cycle.id, decoded.changedAt == cycle.changedAt
            else { return nil }
            state.cycles[cycle.id] = decoded
        }
        state.roles = header.roles
        state.map = header.map
        state.sequence = header.sequence
        state.lastHash = header.hash
        return state
    }
}
