import Ledger
public import LedgerFormat

/// The operations on a province's frameworks and cycles: registering a framework, opening a cycle,
/// the council, closing the appraisal, the spot-check draw, the survey, publication, and documents.
public struct RegisterFramework: PAROperation {
    public static let name = "register-framework"
    /// The framework document (schemas/framework.schema.json).
    public let framework: JSONValue

    public init(framework: JSONValue) { self.framework = framework }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.FrameworkRegistered(framework: try Framework(json: framework)).draft]
    }
}

public struct OpenCycle: PAROperation {
    public static let name = "open-cycle"
    /// The cycle as CycleOpened records it (FORMAT.md).
    public let cycle: JSONValue

    public init(cycle: JSONValue) { self.cycle = cycle }

    public init(_ opened: PAREvents.CycleOpened) { cycle = opened.json }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [try PAREvents.CycleOpened(payload: try PayloadReader(cycle, type: "the cycle")).draft]
    }
}

public struct AssignCouncilMember: PAROperation {
    public static let name = "assign-council"
    public let cycle: String
    public let actor: String
    /// The fields the member appraises, by unit kind (`department`: ["1", "2"]).
    public let fields: [String: [String]]
    public let chair: Bool?

    public init(cycle: String, actor: String, fields: [String: [String]], chair: Bool = false) {
        (self.cycle, self.actor, self.fields, self.chair) = (cycle, actor, fields, chair)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.CouncilMemberAssigned(cycle: cycle, actor: actor, fieldsByKind: fields, chair: chair ?? false)
                .draft
        ]
    }
}

public struct CloseAppraisal: PAROperation {
    public static let name = "close-appraisal"
    public let cycle: String

    public init(cycle: String) { self.cycle = cycle }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.AppraisalClosed(cycle: cycle).draft]
    }
}

public struct CommitSpotCheck: PAROperation {
    public static let name = "commit-spot-check"
    public let cycle: String
    /// SHA-256 of the secret, in hex.
    public let commitment: String

    public init(cycle: String, commitment: String) { (self.cycle, self.commitment) = (cycle, commitment) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.SpotCheckSeedCommitted(cycle: cycle, commitment: commitment).draft]
    }
}

/// The draw of one kind of unit, revealing the committed secret once the appraisal is closed.
public struct DrawSpotCheck: PAROperation {
    public static let name = "draw-spot-check"
    public let cycle: String
    public let kind: String
    /// The secret, 64 hex digits.
    public let secret: String
    /// Units the committee adds to the drawn sample.
    public let added: [String]?

    public init(cycle: String, kind: UnitKind, secret: String, added: [String] = []) {
        (self.cycle, self.kind, self.secret, self.added) = (cycle, kind.rawValue, secret, added)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let unitKind = UnitKind(rawValue: kind) else {
            throw RuleViolation(
                "unknown unit kind '\(kind)'; the kinds are \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))",
                vi:
                    "Không có loại đơn vị '\(kind)'; các loại là \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        guard let secret = EventHash(hex: secret)?.bytes else {
            throw RuleViolation(
                "the draw's secret is 64 hex digits, as the committee kept it",
                vi: "Bí mật bốc thăm gồm 64 chữ số thập lục phân, như Ban Chỉ đạo đã lưu giữ.")
        }
        return [try context.state.spotCheckDraw(cycle: cycle, kind: unitKind, secret: secret, adding: added ?? [])]
    }
}

/// The survey contractor's CSV of survey points, read against the cycle's frameworks.
public struct ImportSurvey: PAROperation {
    public static let name = "import-survey"
    public let cycle: String
    public let csv: String

    public init(cycle: String, csv: String) { (self.cycle, self.csv) = (cycle, csv) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let record = context.state.cycle(cycle) else {
            throw RuleViolation.notFound("no cycle '\(cycle)'", vi: "Không có kỳ đánh giá '\(cycle)'.")
        }
        let bytes = Array(csv.utf8)
        switch SurveyImport.read(bytes, cycle: record, frameworks: context.state.frameworks(of: record)) {
        case .failure(let error):
            throw RuleViolation(error.description, vi: error.vietnamese)
        case .success(let scores):
            let source = SHA256Digest.hex(bytes)
            return scores.keys.sorted().map { unit in
                PAREvents.SurveyScoresImported(cycle: cycle, unit: unit, scores: scores[unit] ?? [], source: source)
                    .draft
            }
        }
    }
}

/// The publication, by decision of the provincial People's Committee, of the results as the state
/// gives them now (their hash is what the event attests).
public struct PublishResults: PAROperation {
    public static let name = "publish"
    public let cycle: String
    public let decision: String
    /// The decision's date, YYYY-MM-DD.
    public let date: String

    public init(cycle: String, decision: String, date: String) {
        (self.cycle, self.decision, self.date) = (cycle, decision, date)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ResultsPublished(
                cycle: cycle, decision: decision, date: date, resultsHash: try context.state.results(cycle: cycle).hash
            ).draft
        ]
    }
}

/// The chairman's assignment of a vice-chairman to sign the approval of a cycle's results in his place.
public struct DelegateSigning: PAROperation {
    public static let name = "delegate-signing"
    public let cycle: String
    public let delegate: String
    public let decision: String

    public init(cycle: String, delegate: String, decision: String) {
        (self.cycle, self.delegate, self.decision) = (cycle, delegate, decision)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.SigningDelegated(cycle: cycle, delegate: delegate, decision: decision).draft]
    }
}

/// The province's approval, by its decision, of the results as the state gives them now.
public struct ApproveResults: PAROperation {
    public static let name = "approve"
    public let cycle: String
    public let decision: String
    /// The decision's date, YYYY-MM-DD.
    public let date: String

    public init(cycle: String, decision: String, date: String) {
        (self.cycle, self.decision, self.date) = (cycle, decision, date)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ResultsApproved(
                cycle: cycle, decision: decision, date: date, resultsHash: try context.state.results(cycle: cycle).hash
            ).draft
        ]
    }
}

/// Documents recorded on their own (EvidenceAdded), attached to the command.
public struct AddEvidence: PAROperation {
    public static let name = "add-evidence"

    public init() {}

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard !context.attached.isEmpty else {
            throw RuleViolation("no document is attached", vi: "Chưa đính kèm tài liệu nào.")
        }
        return []
    }
}

/// The secretariat records a reorganisation of the province's units by its decision.
public struct ReorganiseUnits: PAROperation {
    public static let name = "reorganise"
    public let decision: String
    /// When it takes effect, YYYY-MM-DD.
    public let date: String
    public let changes: [Change]

    /// One change: `merged`, `renamed`, `split` or `dissolved`, from which unit ids to which.
    public struct Change: Codable, Sendable {
        public let change: String
        public let from: [String]
        public let to: [String]

        public init(change: String, from: [String], to: [String]) {
            (self.change, self.from, self.to) = (change, from, to)
        }
    }

    public init(decision: String, date: String, changes: [Change]) {
        (self.decision, self.date, self.changes) = (decision, date, changes)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.UnitsReorganised(
                decision: decision, date: date,
                changes: changes.map { PAREvents.UnitChange(change: $0.change, from: $0.from, to: $0.to) }
            ).draft
        ]
    }
}
