import Foundation
import Ledger
import PARIndex

/// What a person asks for in a page, as the JSON the page sends to `POST /api/commands/prepare`
/// (`{"operation": …, …}`, schemas/openapi.yaml), turned into the PARIndex events of one command.
/// Reading an intent checks its shape only; every rule of the cycle is judged when the signed command
/// is appended.
struct Intent {
    /// The events of the command, in order.
    let drafts: [EventDraft]
    /// The documents uploaded in this session that the command records (EvidenceAdded), by hash.
    let attached: [String]

    /// The operations a page may ask for.
    static let operations = [
        "self-assessment", "withdraw", "answer-explanation", "appraise", "reject-not-applicable",
        "ask-explanation", "seal", "reopen", "close-appraisal", "commit-spot-check", "draw-spot-check",
        "spot-check-score", "conclude-spot-check", "import-survey", "register-framework", "open-cycle",
        "enrol", "assign-council", "extend-deadline", "publish", "correct", "file-objection", "answer-objection",
    ]

    /// Reads `body`; `uploaded` gives the EvidenceAdded of a document uploaded in this session and
    /// not yet recorded, by hash.
    static func read(
        _ body: JSONValue, scoring: ScoringLedger, uploaded: (String) async -> PARPayload.EvidenceAdded?
    ) async throws -> Intent {
        let reader = try PayloadReader(body, type: "the request")
        let operation = try reader.string("operation")
        var attached: [String] = []
        var added: [EventDraft] = []
        /// Citations of `key`'s hashes: documents already in the ledger or uploaded in this session.
        func citations(_ reader: PayloadReader, _ key: String = "evidence") async throws -> [EvidenceCitation] {
            var found: [EvidenceCitation] = []
            for sha256 in try reader.optionalStrings(key) ?? [] {
                if let upload = await uploaded(sha256) {
                    if !attached.contains(sha256) {
                        attached.append(sha256)
                        added.append(upload.draft)
                    }
                    found.append(EvidenceCitation(name: upload.name, sha256: sha256))
                } else if let known = try scoring.evidence(sha256) {
                    found.append(EvidenceCitation(name: known.name, sha256: sha256))
                } else {
                    throw RuleViolation.notFound("no document \(sha256) was uploaded or recorded")
                }
            }
            return found
        }
        let drafts: [EventDraft]
        switch operation {
        case "self-assessment":
            let cycle = try reader.string("cycle")
            let unit = try reader.string("unit")
            var events: [EventDraft] = []
            for row in try reader.objects("rows", { row in row }) {
                // Every member is read, used or not, so that a malformed one is refused either way.
                let criterion = try row.string("criterion")
                let basis = try row.optionalString("notApplicable")
                let typed = try row.optionalString("points")
                let explanation = try row.optionalString("explanation")
                let evidence = try await citations(row)
                if let basis {
                    guard typed == nil, explanation == nil, evidence.isEmpty else {
                        throw RuleViolation("criterion \(criterion): a row marked not applicable carries no points")
                    }
                    events.append(
                        PARPayload.NotApplicableMarked(
                            cycle: cycle, unit: unit, criterion: criterion, legalBasis: basis
                        )
                        .draft)
                } else {
                    guard let typed else { throw RuleViolation("criterion \(criterion): the row needs its points") }
                    events.append(
                        PARPayload.SelfScoreRecorded(
                            cycle: cycle, unit: unit, criterion: criterion, points: try points(typed),
                            evidence: evidence, explanation: explanation
                        ).draft)
                }
            }
            if try reader.optionalBool("submit") ?? false {
                events.append(PARPayload.SelfAssessmentSubmitted(cycle: cycle, unit: unit).draft)
            }
            guard !events.isEmpty else { throw RuleViolation("the sheet has no rows to record") }
            drafts = events
        case "withdraw":
            drafts = [
                PARPayload.SelfAssessmentWithdrawn(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    reason: try reader.string("reason")
                ).draft
            ]
        case "answer-explanation":
            drafts = [
                PARPayload.ExplanationGiven(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    request: try reader.string("request"), answer: try reader.string("answer"),
                    evidence: try await citations(reader).map(\.sha256)
                ).draft
            ]
        case "appraise":
            let evidence = try await citations(reader)
            drafts = [
                PARPayload.AppraisalScoreRecorded(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    criterion: try reader.string("criterion"), points: try points(reader.string("points")),
                    reason: try reader.string("reason"), evidence: evidence.isEmpty ? nil : evidence
                ).draft
            ]
        case "reject-not-applicable":
            drafts = [
                PARPayload.NotApplicableRejected(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    criterion: try reader.string("criterion"), reason: try reader.string("reason")
                ).draft
            ]
        case "ask-explanation":
            drafts = [
                PARPayload.ExplanationRequested(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    criterion: try reader.string("criterion"),
                    request: try reader.optionalString("request") ?? "gt-"
                        + String(SessionStore.randomToken().prefix(8)),
                    question: try reader.string("question")
                ).draft
            ]
        case "seal":
            drafts = [
                PARPayload.AppraisalConcluded(cycle: try reader.string("cycle"), unit: try reader.string("unit")).draft
            ]
        case "reopen":
            drafts = [
                PARPayload.AppraisalReopened(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    reason: try reader.string("reason")
                ).draft
            ]
        case "close-appraisal":
            drafts = [PARPayload.AppraisalClosed(cycle: try reader.string("cycle")).draft]
        case "commit-spot-check":
            drafts = [
                PARPayload.SpotCheckSeedCommitted(
                    cycle: try reader.string("cycle"), commitment: try reader.string("commitment")
                ).draft
            ]
        case "draw-spot-check":
            guard let secret = EventHash(hex: try reader.string("secret"))?.bytes else {
                throw RuleViolation("the draw's secret is 64 hex digits, as the committee kept it")
            }
            drafts = [
                try scoring.spotCheckDraw(
                    cycle: try reader.string("cycle"), kind: try reader.kind("kind"), secret: secret,
                    adding: try reader.optionalStrings("added") ?? [])
            ]
        case "spot-check-score":
            drafts = [
                PARPayload.SpotCheckScoreRecorded(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    criterion: try reader.string("criterion"), decision: try reader.string("decision"),
                    points: try reader.optionalString("points").map(points), reason: try reader.string("reason")
                ).draft
            ]
        case "conclude-spot-check":
            drafts = [
                PARPayload.SpotCheckConcluded(cycle: try reader.string("cycle"), unit: try reader.string("unit")).draft
            ]
        case "import-survey":
            drafts = try surveyImport(reader, scoring: scoring)
        case "register-framework":
            drafts = [PARPayload.FrameworkRegistered(framework: try Framework(json: try reader.raw("framework"))).draft]
        case "open-cycle":
            drafts = [
                try PARPayload.CycleOpened(payload: try PayloadReader(try reader.raw("cycle"), type: "the cycle")).draft
            ]
        case "enrol":
            guard let key = PublicKey(base64: try reader.string("publicKey")) else {
                throw RuleViolation("the public key is 32 bytes in base64, as the key's .pub file or the page gives it")
            }
            let role = try reader.string("role")
            guard Role(rawValue: role) != nil else {
                throw RuleViolation(
                    "unknown role '\(role)'; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let scope = try reader.optionalString("scope").flatMap { $0.isEmpty ? nil : $0 }
            if let scope, let problem = try scoring.scopeProblem(scope) { throw RuleViolation(problem) }
            drafts = [
                ActorEvent.enrolment(
                    actor: try reader.string("actor"), name: try reader.string("name"),
                    grant: RoleGrant(role: role, scope: scope), publicKey: key)
            ]
        case "assign-council":
            drafts = [
                PARPayload.CouncilMemberAssigned(
                    cycle: try reader.string("cycle"), actor: try reader.string("actor"),
                    fieldsByKind: try reader.dictionary("fields") { value in
                        value.arrayValue.flatMap { items in
                            items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
                        }
                    }, chair: try reader.optionalBool("chair") ?? false
                ).draft
            ]
        case "extend-deadline":
            let typed = try reader.string("until")
            guard let until = Timestamp(typed: typed, zone: .vietnam, bareDate: .end) else {
                throw RuleViolation("'\(typed)' is not a date such as 2020-01-31")
            }
            drafts = [
                PARPayload.DeadlineExtended(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"), until: until.iso8601,
                    reason: try reader.string("reason")
                ).draft
            ]
        case "publish":
            let cycle = try reader.string("cycle")
            drafts = [
                PARPayload.ResultsPublished(
                    cycle: cycle, decision: try reader.string("decision"), date: try reader.string("date"),
                    resultsHash: try scoring.results(cycle: cycle).hash
                ).draft
            ]
        case "correct":
            drafts = [
                PARPayload.CorrectionRecorded(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    criterion: try reader.string("criterion"), points: try points(reader.string("points")),
                    decision: try reader.string("decision"), reason: try reader.string("reason"),
                    objection: try reader.optionalString("objection").flatMap { $0.isEmpty ? nil : $0 }
                ).draft
            ]
        case "file-objection":
            drafts = [
                PARPayload.ObjectionFiled(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    objection: try reader.optionalString("objection")
                        ?? "kn-" + String(SessionStore.randomToken().prefix(8)),
                    criterion: try reader.optionalString("criterion").flatMap { $0.isEmpty ? nil : $0 },
                    reason: try reader.string("reason")
                ).draft
            ]
        case "answer-objection":
            let decision = try reader.string("decision")
            guard PARPayload.ObjectionAnswered.decisions.contains(decision) else {
                throw RuleViolation(
                    "an objection is answered \(PARPayload.ObjectionAnswered.decisions.joined(separator: " or ")), not '\(decision)'"
                )
            }
            drafts = [
                PARPayload.ObjectionAnswered(
                    cycle: try reader.string("cycle"), unit: try reader.string("unit"),
                    objection: try reader.string("objection"), decision: decision, answer: try reader.string("answer")
                ).draft
            ]
        default:
            throw RuleViolation(
                "unknown operation '\(operation)'; the operations are \(operations.joined(separator: ", "))")
        }
        return Intent(drafts: added + drafts, attached: attached)
    }

    /// Points as a person types them ("2,5"), in the one form a command signs ("2.5").
    static func points(_ typed: String) throws -> String {
        do {
            return try Points(parsing: typed).description
        } catch {
            throw RuleViolation(error.description)
        }
    }

    /// The survey contractor's CSV, given as text, read against the cycle's frameworks.
    static func surveyImport(_ reader: PayloadReader, scoring: ScoringLedger) throws -> [EventDraft] {
        let cycleID = try reader.string("cycle")
        let text = try reader.string("csv")
        guard let cycle = try scoring.cycle(cycleID) else { throw RuleViolation.notFound("no cycle '\(cycleID)'") }
        let bytes = Array(text.utf8)
        switch SurveyImport.read(bytes, cycle: cycle, frameworks: try scoring.frameworks(of: cycle)) {
        case .failure(let error):
            throw RuleViolation(error.description)
        case .success(let scores):
            let source = SHA256Digest.hex(bytes)
            return scores.keys.sorted().map { unit in
                PARPayload.SurveyScoresImported(cycle: cycleID, unit: unit, scores: scores[unit] ?? [], source: source)
                    .draft
            }
        }
    }
}
