import Foundation
package import Ledger
package import LedgerFormat

/// Every rule of the cycle (FORMAT.md, Rules of the cycle), checked against the state the preceding
/// events left, and the event folded into that state when every rule holds (`ProvinceState.evolve`).
/// It knows no storage: each record it changes is named in `changes`, for storage to write. The
/// rules of each stage live in the `CycleRules+…` files, each event type's hook beside the event.
package struct CycleRules {
    package var state: ProvinceState
    /// The event's payload when it was parsed ahead (a rebuild reads and parses on another thread).
    package let parsedPayload: JSONValue?
    /// The records the event changed, in the order it changed them.
    private(set) var changes: [StateChange] = []
    /// What each change replaced, to take the event back.
    package var undo: [ProvinceState.Undo] = []

    package init(state: ProvinceState, parsedPayload: JSONValue?) {
        self.state = state
        self.parsedPayload = parsedPayload
    }

    /// The event's payload as `T`, from `parsedPayload` when there is one.
    package func payload<T: PAREvent>(_: T.Type, of event: RecordedEvent) throws(RuleViolation) -> T {
        guard let parsedPayload else { return try T.decode(event) }
        return try T(payload: try PayloadReader(parsedPayload, type: T.type))
    }

    /// Judges `event` by the rule its type carries (`RuledEvent`, beside each event type under
    /// Events/) and folds it in; of an actor's event (judged by the ledger's identity layer) only the
    /// roles it gives or takes back are noted.
    package mutating func apply(_ event: RecordedEvent) throws {
        guard let type = PAREvents.byType[event.type] else {
            if ActorEvent.types.contains(event.type), let payload = try? parsedPayload ?? event.payloadValue,
                let (actor, before) = state.roles.note(event.type, payload: payload, at: event.sequence)
            {
                undo.append(.roles(actor, before))
            }
            return
        }
        try type.apply(event, to: &self)
    }

    package func mark(
        _ event: RecordedEvent, points: Points?, reason: String? = nil,
        evidence: [EvidenceCitation]? = nil, decision: String? = nil
    ) -> Mark {
        Mark(
            points: points?.description, actor: event.actor, sequence: event.sequence, at: event.recordedAt.iso8601,
            reason: reason, evidence: evidence, decision: decision)
    }

    /// The score of a criterion that is not marked not applicable; a marked one refuses the event.
    package func applicableScore(_ cycle: String, _ unit: String, _ criterion: String) throws
        -> CriterionScore
    {
        let current = state.score(cycle, unit, criterion)
        guard current.notApplicable == nil else {
            throw RuleViolation(
                "\(unit), criterion \(criterion) is marked not applicable",
                vi: "\(state.unitName(cycle, unit)), tiêu chí \(criterion) đã được đánh dấu không áp dụng.")
        }
        return current
    }

    /// Refuses citations of documents that were never added.
    package func checkCited(_ citations: [EvidenceCitation]) throws {
        for citation in citations {
            guard EventHash(hex: citation.sha256) != nil, !citation.name.isBlank else {
                throw RuleViolation(
                    "evidence '\(citation.name)' needs a name and a SHA-256 of 64 hex digits",
                    vi: "Tài liệu kiểm chứng '\(citation.name)' phải có tên và mã SHA-256 gồm 64 chữ số thập lục phân.")
            }
            guard state.evidence[citation.sha256] != nil else {
                throw RuleViolation(
                    "evidence '\(citation.name)' (\(citation.sha256.prefix(16))…) was never added; add the document first",
                    vi: "Tài liệu kiểm chứng '\(citation.name)' chưa được lưu; hãy tải tài liệu lên trước."
                )
            }
        }
    }

    /// The cycle and unit an event is about, checked: the cycle exists and is not published (unless
    /// `afterPublication`), the unit belongs to it, and the event is in the unit's stream.
    package func context(
        _ event: RecordedEvent, cycle cycleID: String, unit unitID: String,
        afterPublication: Bool = false
    ) throws -> (CycleRecord, CycleUnit, UnitRecord, Framework) {
        guard let cycle = state.cycle(cycleID) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        guard let unit = cycle.unit(unitID), let record = state.unitRecord(cycleID, unitID) else {
            throw RuleViolation.notFound(
                "unit '\(unitID)' is not part of cycle '\(cycleID)'",
                vi: "Đơn vị '\(unitID)' không thuộc kỳ đánh giá \(state.cycleName(cycleID)).")
        }
        if afterPublication {
            guard cycle.publication != nil else {
                throw RuleViolation.stage(
                    "cycle '\(cycleID)' is not published; change scores through the normal stages",
                    vi: "Kỳ đánh giá \(cycle.opened.name) chưa công bố; hãy sửa điểm theo các bước thông thường.")
            }
        } else if let publication = cycle.publication {
            throw RuleViolation.stage(
                "cycle '\(cycleID)' was published by decision \(publication.decision); only a correction citing a decision can change it",
                vi:
                    "Kỳ đánh giá \(cycle.opened.name) đã công bố kết quả theo quyết định số \(publication.decision); chỉ đính chính có dẫn quyết định mới thay đổi được."
            )
        }
        guard event.stream == PAREvents.unitStream(cycleID, unitID) else {
            throw RuleViolation(
                "\(event.type) for '\(unitID)' belongs in the stream '\(PAREvents.unitStream(cycleID, unitID))'",
                vi: "Sự kiện không ghi đúng luồng của \(unit.name).")
        }
        guard let frameworkID = cycle.frameworkID(for: unit.kind),
            let framework = state.framework(frameworkID)
        else {
            throw RuleViolation.notFound(
                "cycle '\(cycleID)' has no framework for \(unit.kind.plural)",
                vi: "Kỳ đánh giá \(cycle.opened.name) không có bộ tiêu chí cho \(VietnameseText.units(unit.kind)).")
        }
        return (cycle, unit, record, framework)
    }

    package func leaf(_ code: String, of framework: Framework, method: ScoringMethod?, unit: String) throws -> Criterion
    {
        guard let criterion = framework.criteriaByCode[code] else {
            throw RuleViolation(
                "unknown criterion '\(code)' for \(unit) (framework \(framework.id.prefix(12)))",
                vi: "Bộ tiêu chí của \(state.unitName(unit)) không có tiêu chí \(code).")
        }
        guard criterion.isLeaf else {
            throw RuleViolation(
                "criterion \(code) is the sum of its sub-criteria; score \(criterion.children.map(\.code).joined(separator: ", ")) instead",
                vi:
                    "Tiêu chí \(code) là tổng của các tiêu chí thành phần; hãy chấm \(criterion.children.map(\.code).joined(separator: ", "))."
            )
        }
        if let method, criterion.method != method {
            throw RuleViolation(
                method == .assessed
                    ? "criterion \(code) is scored by the sociological survey (ĐTXHH), not by the unit or the council"
                    : "criterion \(code) is not a survey criterion",
                vi: method == .assessed
                    ? "Tiêu chí \(code) được chấm qua điều tra xã hội học (ĐTXHH), không do đơn vị hay Hội đồng chấm."
                    : "Tiêu chí \(code) không phải tiêu chí điều tra xã hội học.")
        }
        return criterion
    }

    package func points(_ text: String, for criterion: Criterion, unit: String) throws -> Points {
        let value: Points
        do {
            value = try Points(parsing: text)
        } catch {
            throw RuleViolation(
                "\(unit), criterion \(criterion.code): \(error)",
                vi:
                    "\(state.unitName(unit)), tiêu chí \(criterion.code): '\(text)' không phải là số điểm hợp lệ (ví dụ 2 hoặc 0.5, tối đa hai chữ số thập phân)."
            )
        }
        guard value.description == text else {
            throw RuleViolation(
                "\(unit), criterion \(criterion.code): the points '\(text)' are not written in their one form '\(value)'",
                vi:
                    "\(state.unitName(unit)), tiêu chí \(criterion.code): số điểm '\(text)' chưa viết ở dạng chuẩn '\(value)'."
            )
        }
        guard value <= criterion.maxPoints else {
            throw RuleViolation(
                "\(unit), criterion \(criterion.code): \(value) points is more than its maximum of \(criterion.maxPoints)",
                vi:
                    "\(state.unitName(unit)), tiêu chí \(criterion.code): \(VietnameseText.number(value)) điểm vượt điểm tối đa \(VietnameseText.number(criterion.maxPoints))."
            )
        }
        return value
    }

    package func checkDeadline(_ event: RecordedEvent, _ cycle: CycleRecord, _ unit: UnitRecord, _ unitID: String)
        throws
    {
        let deadline = Timestamp(iso8601: unit.deadlineExtendedUntil ?? cycle.opened.selfAssessmentDeadline)
        if let deadline, event.recordedAt > deadline {
            throw RuleViolation.stage(
                "the self-assessment deadline for '\(unitID)' passed at \(deadline.iso8601); the secretariat can record an extension",
                vi:
                    "Đã quá hạn tự đánh giá của \(cycle.unitName(unitID)) (\(VietnameseText.date(deadline.iso8601))); Văn phòng thường trực có thể gia hạn."
            )
        }
    }

    /// The cycle of a cycle-wide event (in the cycle's stream), open and not published.
    package func openCycleRecord(_ event: RecordedEvent, _ cycleID: String) throws
        -> CycleRecord
    {
        guard let cycle = state.cycle(cycleID) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        guard event.stream == PAREvents.cycleStream(cycleID) else {
            throw RuleViolation(
                "\(event.type) belongs in the stream '\(PAREvents.cycleStream(cycleID))'",
                vi: "Sự kiện không ghi đúng luồng của kỳ \(cycle.opened.name).")
        }
        if let publication = cycle.publication {
            throw RuleViolation.stage(
                "cycle '\(cycleID)' was published by decision \(publication.decision); only a correction citing a decision can change it",
                vi:
                    "Kỳ đánh giá \(cycle.opened.name) đã công bố kết quả theo quyết định số \(publication.decision); chỉ đính chính có dẫn quyết định mới thay đổi được."
            )
        }
        return cycle
    }

    // MARK: Changing the state

    package mutating func putFramework(_ framework: Framework) {
        undo.append(.framework(framework.id, state.frameworks[framework.id]))
        state.frameworks[framework.id] = framework
        changes.append(.framework(framework.id))
    }

    package mutating func putEvidence(_ payload: [UInt8], _ sha256: String) {
        undo.append(.evidence(sha256, state.evidence[sha256]))
        state.evidence[sha256] = payload
        changes.append(.evidence(sha256))
    }

    /// Stores a cycle's record: a new cycle starts with no units.
    package mutating func putCycle(_ record: CycleRecord, _ event: RecordedEvent) {
        let id = record.opened.cycle
        if let current = state.cycles[id] {
            undo.append(.cycleRecord(id, (current.record, current.version)))
            state.cycles[id]?.record = record
            state.cycles[id]?.version = event.sequence
        } else {
            undo.append(.cycleRecord(id, nil))
            state.cycles[id] = ProvinceState.CycleState(record: record, version: event.sequence)
        }
        changes.append(.cycle(id))
    }

    package mutating func putUnit(_ record: UnitRecord, _ cycle: String, _ unit: String) {
        undo.append(.unit(cycle, unit, state.cycles[cycle]?.units[unit]?.record))
        if state.cycles[cycle]?.units[unit] == nil {
            state.cycles[cycle]?.units[unit] = ProvinceState.UnitState(record: record)
        } else {
            state.cycles[cycle]?.units[unit]?.record = record
        }
        changes.append(.unit(cycle: cycle, unit: unit))
    }

    package mutating func putScore(_ score: CriterionScore, _ cycle: String, _ unit: String, _ criterion: String) {
        undo.append(.score(cycle, unit, criterion, state.cycles[cycle]?.units[unit]?.scores[criterion]))
        state.cycles[cycle]?.units[unit]?.scores[criterion] = score
        changes.append(.score(cycle: cycle, unit: unit, criterion: criterion))
    }

    package mutating func putExplanation(_ record: ExplanationRecord, _ cycle: String, _ unit: String) {
        undo.append(.explanation(cycle, unit, record.request, state.explanation(cycle, unit, record.request)))
        state.cycles[cycle]?.units[unit]?.explanations[record.request] = record
        changes.append(.explanation(cycle: cycle, unit: unit, request: record.request))
    }

    package mutating func putObjection(_ record: ObjectionRecord, _ cycle: String) {
        undo.append(.objection(cycle, record.objection, state.objection(cycle, record.objection)))
        state.cycles[cycle]?.objections[record.objection] = record
        changes.append(.objection(cycle: cycle, objection: record.objection))
    }
}
