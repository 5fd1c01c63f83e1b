import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The explorer's search (`explorer.mustache`): the filter as typed, and the events it matches.
struct ExplorerSearchPage: PageModel {
    let query: SearchQuery
    let types: [SelectOption]
    let roleOptions: [SelectOption]
    /// The names the unit and signer filters suggest.
    let unitNames: [String]
    let actorNames: [String]
    let searched: Bool
    let count: Int
    let rows: [EventRow]
    /// The link to the next page of results, when there are more.
    let next: String?
}

/// The search's text fields as typed (empty when not).
struct SearchQuery {
    let cycle: String
    let unit: String
    let criterion: String
    let actor: String
    let since: String
    let until: String
}

/// An event in the search's results.
struct EventRow {
    let seq: UInt64
    let at: String
    let type: String
    let actor: String
    let unit: String?
    let criterion: String?
    let points: String?
}

extension EventRow {
    init(_ event: RecordedEvent, names: NameLookup) throws {
        let payload = try event.payloadValue
        let unit = payload["unit"]?.stringValue
        self.init(
            seq: event.sequence, at: Vietnamese.time(event.recordedAt.iso8601), type: Vietnamese.event(event.type),
            actor: names.actors[event.actor] ?? event.actor, unit: unit.map { names.units[$0] ?? $0 },
            criterion: payload["criterion"]?.stringValue, points: payload["points"]?.stringValue.map(Vietnamese.number))
    }
}

/// One event at its stable link (`event.mustache`): what was signed, by whom, the documents it cites, its
/// signature and place in the hash chain, and the proof the page checks.
struct EventPage: PageModel {
    let seq: UInt64
    let previous: UInt64?
    let next: UInt64?
    let typeName: String
    let type: String
    /// The signer; on this page `actor` and `actorName` are the event's, not the viewer's.
    let actor: String
    let actorName: String
    let actorRoles: String
    let recordedAt: String
    let signedAt: String?
    let stream: String
    let streamVersion: UInt64
    let historyLink: String?
    let fields: [PayloadField]
    let hasEvidence: Bool
    let evidence: [DocumentLink]
    let command: String
    let keyID: String
    let signature: String
    let hash: String
    let prev: String
}

/// A member of an event's payload: its name, and its value as text.
struct PayloadField {
    let key: String
    let value: String
}

extension EventPage {
    /// The page of `event`, signed by `signer` (nil when the ledger no longer knows them), in a ledger of
    /// `count` events.
    init(_ event: RecordedEvent, signer: ActorRecord?, count: UInt64, names: NameLookup) throws {
        let payload = try event.payloadValue
        let evidence = Self.citedDocuments(payload)
        var historyLink: String?
        if let unit = payload["unit"]?.stringValue, let cycle = payload["cycle"]?.stringValue {
            historyLink =
                "/cycles/\(cycle)/units/\(unit)/history"
                + (payload["criterion"]?.stringValue.map { "?criterion=\($0)" } ?? "")
        }
        self.init(
            seq: event.sequence, previous: event.sequence > 1 ? event.sequence - 1 : nil,
            next: count > event.sequence ? event.sequence + 1 : nil, typeName: Vietnamese.event(event.type),
            type: event.type, actor: event.actor, actorName: signer?.name ?? event.actor,
            actorRoles: signer.map { Vietnamese.roles($0.grants, unitNames: names.units) } ?? "",
            recordedAt: Vietnamese.time(event.recordedAt.iso8601),
            signedAt: event.signedAt.map { Vietnamese.time($0.iso8601) },
            stream: event.stream, streamVersion: event.streamVersion, historyLink: historyLink,
            fields: Self.fields(payload, names: names), hasEvidence: !evidence.isEmpty, evidence: evidence,
            command: event.commandID,
            keyID: event.keyID, signature: Data(event.signature).base64EncodedString(), hash: event.hash.hex,
            prev: event.previousHash.hex)
    }

    /// The payload as label/value rows in Vietnamese, nested values as their canonical JSON.
    static func fields(_ payload: JSONValue, names: NameLookup) -> [PayloadField] {
        guard case .object(let members) = payload else { return [] }
        return members.keys.sorted().map { key in
            PayloadField(
                key: PayloadLabels.label(key), value: PayloadLabels.text(key, members[key] ?? .null, names: names))
        }
    }

    /// The documents an event cites or adds, with their names, for download links.
    static func citedDocuments(_ payload: JSONValue) -> [DocumentLink] {
        var found: [DocumentLink] = []
        if let sha256 = payload["sha256"]?.stringValue {
            found.append(DocumentLink(name: payload["name"]?.stringValue ?? sha256, sha256: sha256))
        }
        for item in payload["evidence"]?.arrayValue ?? [] {
            if let sha256 = item["sha256"]?.stringValue {
                found.append(DocumentLink(name: item["name"]?.stringValue ?? sha256, sha256: sha256))
            } else if let sha256 = item.stringValue {
                found.append(DocumentLink(name: sha256, sha256: sha256))
            }
        }
        return found
    }
}

/// A unit's history (`history.mustache`): the timeline of its total or of one criterion, and the
/// moments the page replays its state at.
struct HistoryPage: PageModel {
    let cycle: String
    let cycleName: String
    let unit: String
    let unitName: String
    let criteria: [CriterionOption]
    /// The criterion whose timeline is shown, nil for the unit's total.
    let criterion: String?
    let entries: [HistoryEntry]
    /// The sequence numbers of the entries, comma-separated, for the page's slider.
    let moments: String
}

/// A criterion the history can be narrowed to.
struct CriterionOption {
    let code: String
    let selected: Bool
}

/// An event that changed the unit's score: who, when, old → new, why, on what evidence.
struct HistoryEntry {
    let seq: UInt64
    let at: String
    let type: String
    let actor: String
    let role: String?
    let criterion: String?
    let before: String
    let after: String
    let reason: String?
    let evidence: [DocumentLink]
}

extension HistoryPage {
    init(_ record: CycleRecord, unit: CycleUnit, criterion: String?, report: TraceReport, leaves: [Criterion]) {
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record), unit: unit.id, unitName: unit.name,
            criteria: leaves.map { CriterionOption(code: $0.code, selected: $0.code == criterion) },
            criterion: criterion,
            entries: report.entries.map { entry in
                HistoryEntry(
                    seq: entry.event.sequence, at: Vietnamese.time(entry.event.recordedAt.iso8601),
                    type: Vietnamese.event(entry.event.type), actor: entry.event.actor,
                    role: report.roles[entry.event.actor], criterion: entry.criterion?.nonEmpty, before: entry.before,
                    after: entry.after, reason: entry.reason?.nonEmpty, evidence: entry.evidence.map(DocumentLink.init))
            },
            moments: report.entries.map(\.event.sequence).map(String.init).joined(separator: ","))
    }
}
