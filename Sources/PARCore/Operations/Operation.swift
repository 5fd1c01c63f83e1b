public import Foundation
public import Ledger
public import LedgerFormat

/// One thing a person asks the ledger to record, as a typed value both front ends decode their input
/// into (the CLI from its arguments, the web from `{"operation": …, …}`): the domain core turns it into
/// the events of one command, given the state they will be judged against. No front end builds an
/// event; `Application`'s service signs and appends what an operation gives, or tries it first.
public protocol PAROperation: Decodable, Sendable {
    /// The name a page sends as `operation` (schemas/openapi.yaml), e.g. `publish`.
    static var name: String { get }
    /// The events recording it, in order; throws when the input itself cannot make them (a malformed
    /// date, unknown role, a document neither attached nor recorded). Every rule of the cycle is judged
    /// when they are tried or appended.
    func events(_ context: OperationContext) throws -> [EventDraft]
}

extension PAROperation {
    /// The operation a request's JSON gives, its members read by their names here; a decoding problem
    /// is a `RuleViolation` naming the member.
    public static func decoded(from request: JSONValue) throws -> any PAROperation {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(CanonicalJSON.encode(request)))
        } catch let error as DecodingError {
            throw RuleViolation(
                "\(name): \(PAROperations.describe(error))",
                vi: "Yêu cầu thao tác \(name) không hợp lệ: \(PAROperations.describe(error)).")
        }
    }
}

/// What an operation may look at while it makes its events: the state of the province now, the
/// documents attached to the command, the actors, and fresh identifiers for what it names.
public struct OperationContext {
    public let state: ProvinceState
    private let attachments: Attachments
    package let actor: (String) throws -> ActorRecord?
    package let newIdentifier: () -> String

    /// `attached` documents are recorded by the command whatever it cites; an `uploaded` one (a
    /// document a person uploaded and has not recorded yet) only when the operation cites it.
    public init(
        state: ProvinceState, attached: [PAREvents.EvidenceAdded] = [],
        uploaded: [String: PAREvents.EvidenceAdded] = [:], actor: @escaping (String) throws -> ActorRecord?,
        newIdentifier: @escaping () -> String = { String(UUID().uuidString.lowercased().prefix(8)) }
    ) {
        self.state = state
        self.attachments = Attachments(attached: attached, uploaded: uploaded)
        self.actor = actor
        self.newIdentifier = newIdentifier
    }

    /// The documents the command records (EvidenceAdded, before the operation's own events): those
    /// attached, then the uploaded ones the operation cited, in the order it cited them.
    public var attached: [PAREvents.EvidenceAdded] { attachments.attached }

    /// The citation of the document `sha256`: attached to this command, uploaded, or already recorded.
    package func citation(_ sha256: String) throws -> EvidenceCitation {
        if let document = attachments.find(sha256) ?? state.evidence(sha256) {
            return EvidenceCitation(name: document.name, sha256: sha256)
        }
        throw RuleViolation.notFound(
            "no document \(sha256) was uploaded or recorded",
            vi: "Tài liệu \(sha256.prefix(16))… chưa được tải lên hoặc ghi vào sổ cái.")
    }

    /// The documents of a command, growing as the operation cites uploads.
    private final class Attachments {
        private(set) var attached: [PAREvents.EvidenceAdded]
        package let uploaded: [String: PAREvents.EvidenceAdded]

        package init(attached: [PAREvents.EvidenceAdded], uploaded: [String: PAREvents.EvidenceAdded]) {
            (self.attached, self.uploaded) = (attached, uploaded)
        }

        package func find(_ sha256: String) -> PAREvents.EvidenceAdded? {
            if let document = attached.first(where: { $0.sha256 == sha256 }) { return document }
            guard let document = uploaded[sha256] else { return nil }
            attached.append(document)
            return document
        }
    }

    package func citations(_ hashes: [String]?) throws -> [EvidenceCitation] {
        try (hashes ?? []).map(citation)
    }

    /// Points as a person types them ("2,5"), in the one form a command signs ("2.5").
    package func points(_ typed: String) throws -> String {
        do {
            return try Points(parsing: typed).description
        } catch {
            throw RuleViolation(error.description, vi: error.vietnamese)
        }
    }

    /// A date (its end, or start, in Vietnam time) or a time with its offset, as ISO 8601.
    package func time(_ typed: String, bareDate: Timestamp.DayBoundary) throws -> String {
        guard let time = Timestamp(typed: typed, zone: .vietnam, bareDate: bareDate) else {
            throw RuleViolation(
                "'\(typed)' is not a date such as 2020-01-31 or a time with its offset",
                vi: "'\(typed)' không phải là ngày (ví dụ 2020-01-31) hoặc thời điểm có múi giờ.")
        }
        return time.iso8601
    }
}

/// Every operation, by the name a page sends.
public enum PAROperations {
    public static let all: [any PAROperation.Type] = [
        RecordSelfAssessment.self, WithdrawSelfAssessment.self, AnswerExplanation.self, RecordAppraisal.self,
        AppraiseUnit.self, RejectNotApplicable.self, RequestExplanation.self, SealUnit.self, ReopenAppraisal.self,
        CloseAppraisal.self,
        CommitSpotCheck.self, DrawSpotCheck.self, RecordSpotCheckScore.self, ConcludeSpotCheck.self,
        ImportSurvey.self, RegisterFramework.self, OpenCycle.self, EnrolActor.self, AssignCouncilMember.self,
        ExtendDeadline.self, ExcludeFromRanking.self, PublishResults.self, RecordCorrection.self, FileObjection.self,
        AnswerObjection.self, GrantRole.self, RevokeRole.self, RevokeKey.self, RotateKey.self, ReplaceLostKey.self,
        SuspendActor.self,
        AddEvidence.self, DelegateSigning.self, ApproveResults.self, EstablishCouncil.self, RecordMeeting.self,
        ContestAdjustment.self, RecordVote.self, SubmitCouncilReport.self, ReorganiseUnits.self,
    ]

    package static let byName: [String: any PAROperation.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The operation `request` names in its `operation` member, read with the same types as the CLI's;
    /// a member of the wrong JSON type, a missing one or an unknown operation is refused by name.
    public static func decode(_ request: JSONValue) throws -> any PAROperation {
        guard case .object(let members) = request else {
            throw RuleViolation("the request must be a JSON object", vi: "Yêu cầu phải là một đối tượng JSON.")
        }
        guard case .string(let name)? = members["operation"] else {
            throw RuleViolation(
                "the request: member 'operation' is missing or not a string",
                vi: "Yêu cầu thiếu mục 'operation' hoặc mục đó không phải chuỗi.")
        }
        guard let type = byName[name] else {
            throw RuleViolation(
                "unknown operation '\(name)'; the operations are \(all.map { $0.name }.joined(separator: ", "))",
                vi: "Không có thao tác '\(name)'.")
        }
        return try type.decoded(from: request)
    }

    package static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "member '\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "member '\(path(context.codingPath))' must be \(describe(type))"
        case .dataCorrupted(let context):
            return "member '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "an integer"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
