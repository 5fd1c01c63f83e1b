import Foundation
import Ledger

/// A `ProvinceState` written down, bound to the hash of the event it follows, so that a view of the
/// past starts near its event instead of at event 1. A snapshot is never trusted: one whose event
/// the ledger does not hold with that hash, or that does not decode, is ignored and the state is
/// computed from an earlier one (or from the first event).
///
/// Layout: `PLSS`, a format byte, the sequence number (8 bytes) and hash (32) of the last event
/// folded in, then frameworks, documents and cycles (each cycle with its objections and units, each
/// unit with its scores and explanation requests), every list in key order, every record in the
/// projections' own encoding (`StateCoding`), and last the SHA-256 of everything before it, so that
/// damaged bytes are refused rather than read as another state. The same state always gives the
/// same bytes. The digest is no seal: whoever can write the ledger's storage can rewrite the
/// projections as well; `rebuild` recomputes both, and verifiers never read either.
enum StateSnapshot {
    static let magic = Array("PLSS".utf8)
    static let format: UInt8 = 1

    static func encode(_ state: ProvinceState) -> [UInt8] {
        var out = magic + [format]
        appendInteger(state.sequence, to: &out)
        out += state.lastHash.bytes
        func list<Value>(_ values: [String: Value], _ write: (Value, inout [UInt8]) -> Void) {
            appendInteger(UInt32(values.count), to: &out)
            for key in values.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                appendField(key.utf8, to: &out)
                write(values[key]!, &out)
            }
        }
        list(state.frameworks) { framework, out in appendField(CanonicalJSON.encode(framework.json), to: &out) }
        list(state.evidence) { payload, out in appendField(payload, to: &out) }
        list(state.cycles) { cycle, out in
            appendField(StateCoding.encode(cycle.record), to: &out)
            appendInteger(cycle.version, to: &out)
            appendInteger(UInt32(cycle.objections.count), to: &out)
            for key in cycle.objections.keys.sorted() {
                appendField(StateCoding.encode(cycle.objections[key]!), to: &out)
            }
            appendInteger(UInt32(cycle.units.count), to: &out)
            for id in cycle.units.keys.sorted() {
                let unit = cycle.units[id]!
                appendField(id.utf8, to: &out)
                appendField(StateCoding.encode(unit.record), to: &out)
                appendInteger(UInt32(unit.scores.count), to: &out)
                for code in unit.scores.keys.sorted() {
                    appendField(code.utf8, to: &out)
                    appendField(StateCoding.encode(unit.scores[code]!), to: &out)
                }
                appendInteger(UInt32(unit.explanations.count), to: &out)
                for request in unit.explanations.keys.sorted() {
                    appendField(StateCoding.encode(unit.explanations[request]!), to: &out)
                }
            }
        }
        return out + SHA256Digest.bytes(out)
    }

    /// The state in `bytes`, or nil when they are not a snapshot this code wrote.
    static func decode(_ bytes: [UInt8]) -> ProvinceState? {
        guard bytes.count > 32 else { return nil }
        let body = Array(bytes.dropLast(32))
        guard SHA256Digest.bytes(body) == Array(bytes.suffix(32)) else { return nil }
        var reader = ByteReader(bytes: body)
        do {
            guard try reader.bytes(4) == magic, try reader.byte() == format else { return nil }
            var state = ProvinceState()
            state.sequence = try reader.integer(UInt64.self)
            guard let hash = EventHash(bytes: try reader.bytes(32)) else { return nil }
            state.lastHash = hash
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let id = try reader.text()
                state.frameworks[id] = try Framework(json: try JSONParser.parse(try reader.field()))
            }
            for _ in 0..<(try reader.integer(UInt32.self)) {
                state.evidence[try reader.text()] = try reader.field()
            }
            for _ in 0..<(try reader.integer(UInt32.self)) {
                let id = try reader.text()
                var cycle = ProvinceState.CycleState(
                    record: try StateCoding.decodeCycle(try reader.field()), version: try reader.integer(UInt64.self))
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
                state.cycles[id] = cycle
            }
            return reader.isAtEnd ? state : nil
        } catch {
            return nil
        }
    }
}
