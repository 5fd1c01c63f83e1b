import Foundation
package import Ledger
import LedgerFormat

/// Frameworks, evidence, opening a cycle, deadlines and exclusions.
extension CycleRules {
    package mutating func addEvidence(_ event: RecordedEvent) throws {
        let added = try payload(PAREvents.EvidenceAdded.self, of: event)
        guard EventHash(hex: added.sha256) != nil, !added.name.isBlank, added.size >= 0 else {
            throw RuleViolation(
                "evidence needs a name, a size and a SHA-256 of 64 hex digits",
                vi: "Tài liệu kiểm chứng phải có tên, kích thước và mã SHA-256 gồm 64 chữ số thập lục phân.")
        }
        guard event.stream == "evidence/\(added.sha256)" else {
            throw RuleViolation(
                "EvidenceAdded belongs in the stream 'evidence/\(added.sha256)'",
                vi: "Sự kiện lưu tài liệu kiểm chứng không ghi đúng luồng của tài liệu đó.")
        }
        if state.evidence[added.sha256] == nil { putEvidence(event.payload, added.sha256) }
    }

    package mutating func registerFramework(_ event: RecordedEvent) throws {
        let registered = try payload(PAREvents.FrameworkRegistered.self, of: event)
        let (id, document) = (registered.id, registered.framework)
        let framework: Framework
        do {
            framework = try Framework(json: document)
        } catch {
            throw RuleViolation("the framework is malformed: \(error)", vi: error.vietnamese)
        }
        let defects = FrameworkValidator.defects(in: framework)
        guard defects.isEmpty else {
            throw RuleViolation(
                "the framework has defects: " + defects.map(\.description).joined(separator: "; "),
                vi: "Bộ tiêu chí có lỗi: " + defects.map(\.vietnamese).joined(separator: "; ") + ".")
        }
        guard framework.id == id else {
            throw RuleViolation(
                "the framework's content hash is \(framework.id), not \(id)",
                vi: "Mã nội dung của bộ tiêu chí là \(framework.id.prefix(12))…, không phải \(id.prefix(12))….")
        }
        guard CanonicalJSON.encode(framework.json) == CanonicalJSON.encode(document) else {
            throw RuleViolation(
                "the framework is not written in its normal form (canonical points, only the members of a framework)",
                vi:
                    "Bộ tiêu chí chưa được viết ở dạng chuẩn (điểm viết một cách duy nhất, chỉ gồm các mục của bộ tiêu chí)."
            )
        }
        guard event.stream == "framework/\(id)" else {
            throw RuleViolation(
                "FrameworkRegistered belongs in the stream 'framework/\(id)'",
                vi: "Sự kiện đăng ký bộ tiêu chí không ghi đúng luồng của bộ tiêu chí đó.")
        }
        guard state.frameworks[id] == nil else {
            throw RuleViolation.stage(
                "framework \(id) is already registered", vi: "Bộ tiêu chí \(id.prefix(12))… đã được đăng ký.")
        }
        putFramework(framework)
    }

    package mutating func openCycle(_ event: RecordedEvent) throws {
        let opened = try payload(PAREvents.CycleOpened.self, of: event)
        guard event.stream == PAREvents.cycleStream(opened.cycle) else {
            throw RuleViolation(
                "CycleOpened for '\(opened.cycle)' belongs in the stream '\(PAREvents.cycleStream(opened.cycle))'",
                vi: "Sự kiện mở kỳ \(opened.name) không ghi đúng luồng của kỳ đó.")
        }
        if let violation = RuleViolation.invalidID(opened.cycle, "cycle", vi: "kỳ đánh giá") { throw violation }
        guard state.cycle(opened.cycle) == nil else {
            throw RuleViolation.stage(
                "cycle '\(opened.cycle)' is already open",
                vi: "Kỳ đánh giá \(state.cycleName(opened.cycle)) đã được mở.")
        }
        guard Timestamp(iso8601: opened.selfAssessmentDeadline) != nil else {
            throw RuleViolation(
                "the self-assessment deadline '\(opened.selfAssessmentDeadline)' is not an ISO 8601 UTC time",
                vi: "Hạn tự đánh giá '\(opened.selfAssessmentDeadline)' không phải là thời điểm ISO 8601 theo giờ UTC.")
        }
        guard !opened.name.isBlank else {
            throw RuleViolation(
                "cycle '\(opened.cycle)' needs a name", vi: "Kỳ đánh giá '\(opened.cycle)' phải có tên.")
        }
        if let scheme = opened.scheme, PAREvents.Scheme(rawValue: scheme) == nil {
            throw RuleViolation(
                "cycle '\(opened.cycle)' names scheme \(scheme); the schemes are \(PAREvents.Scheme.allCases.map { "\($0.rawValue)" }.joined(separator: " and "))",
                vi:
                    "Kỳ đánh giá \(opened.name) ghi quy trình \(scheme); chỉ có quy trình \(PAREvents.Scheme.allCases.map { "\($0.rawValue)" }.joined(separator: " và "))."
            )
        }
        guard !opened.units.isEmpty else {
            throw RuleViolation(
                "cycle '\(opened.cycle)' has no units", vi: "Kỳ đánh giá \(opened.name) chưa có đơn vị nào.")
        }
        var seen = Set<String>()
        var names: [String: String] = [:]
        for unit in opened.units {
            if let violation = RuleViolation.invalidID(unit.id, "unit", vi: "đơn vị") { throw violation }
            if let problem = DisplayName.problem(unit.name, "unit '\(unit.id)'") {
                throw RuleViolation(
                    problem,
                    vi:
                        "Tên đơn vị '\(unit.name)' không hợp lệ: tên viết bằng chữ Latinh (kể cả tiếng Việt), chữ số, dấu cách đơn và các dấu . , - ( ) / & ' : ;, ở dạng Unicode NFC, không có dấu cách ở đầu, cuối hay hai dấu cách liền nhau."
                )
            }
            guard seen.insert(unit.id).inserted else {
                throw RuleViolation(
                    "unit '\(unit.id)' is listed twice", vi: "Đơn vị \(unit.name) được liệt kê hai lần.")
            }
            if let other = names.updateValue(unit.id, forKey: DisplayName.skeleton(unit.name)) {
                throw RuleViolation(
                    "the name of unit '\(unit.id)' is confusable with the name of unit '\(other)'",
                    vi:
                        "Tên đơn vị \(unit.name) dễ nhầm với tên một đơn vị khác của kỳ (\(opened.units.first { $0.id == other }?.name ?? other))."
                )
            }
            if let problem = unit.kind.problem(inYear: opened.year, scheme: opened.effectiveScheme) {
                throw RuleViolation(
                    "unit '\(unit.id)': \(problem)",
                    vi:
                        "\(unit.name) thuộc loại \(VietnameseText.units(unit.kind)), không được chấm trong kỳ năm \(opened.year) theo quy trình \(opened.effectiveScheme.rawValue)."
                )
            }
            guard let frameworkID = opened.frameworks[unit.kind.rawValue] else {
                throw RuleViolation.notFound(
                    "unit '\(unit.id)' is a \(unit.kind.rawValue) but the cycle names no framework for that kind",
                    vi:
                        "\(unit.name) thuộc loại \(VietnameseText.units(unit.kind)) nhưng kỳ đánh giá không có bộ tiêu chí cho loại này."
                )
            }
            guard let framework = state.framework(frameworkID) else {
                throw RuleViolation.notFound(
                    "framework \(frameworkID) is not registered; register it first",
                    vi: "Bộ tiêu chí \(frameworkID.prefix(12))… chưa được đăng ký; hãy đăng ký trước.")
            }
            guard framework.unitKind == unit.kind else {
                throw RuleViolation(
                    "framework \(frameworkID) scores \(framework.unitKind.plural), not \(unit.kind.plural)",
                    vi:
                        "Bộ tiêu chí \(frameworkID.prefix(12))… dùng cho \(VietnameseText.units(framework.unitKind)), không dùng cho \(VietnameseText.units(unit.kind))."
                )
            }
        }
        if let window = opened.publicationWindow {
            guard PAREvents.DateWindow.isDate(window.from), PAREvents.DateWindow.isDate(window.until),
                window.from <= window.until
            else {
                throw RuleViolation(
                    "the publication window needs two dates YYYY-MM-DD, the first not after the second",
                    vi: "Thời gian công bố cần hai ngày dạng YYYY-MM-DD, ngày đầu không sau ngày cuối.")
            }
        }
        if let previous = opened.previousCycle, !Slug.isValid(previous) || state.cycle(previous) == nil {
            throw RuleViolation.notFound(
                "the previous cycle '\(previous)' does not exist", vi: "Không có kỳ đánh giá trước '\(previous)'.")
        }
        putCycle(CycleRecord(opened: opened, openedBy: event.actor, openedAt: event.sequence), event)
        for unit in opened.units { putUnit(UnitRecord(), opened.cycle, unit.id) }
    }

    package mutating func extendDeadline(_ event: RecordedEvent) throws {
        let extended = try payload(PAREvents.DeadlineExtended.self, of: event)
        let (cycle, _, unitState, _) = try context(event, cycle: extended.cycle, unit: extended.unit)
        guard let until = Timestamp(iso8601: extended.until),
            let deadline = Timestamp(iso8601: cycle.opened.selfAssessmentDeadline), until > deadline
        else {
            throw RuleViolation(
                "an extension must be an ISO 8601 UTC time after the deadline \(cycle.opened.selfAssessmentDeadline)",
                vi:
                    "Ngày gia hạn phải là thời điểm ISO 8601 theo giờ UTC, sau hạn \(VietnameseText.date(cycle.opened.selfAssessmentDeadline))."
            )
        }
        guard !extended.reason.isBlank else {
            throw RuleViolation("an extension needs a reason", vi: "Gia hạn phải nêu lý do.")
        }
        var unit = unitState
        unit.deadlineExtendedUntil = until.iso8601
        putUnit(unit, extended.cycle, extended.unit)
    }

    package mutating func exclude(_ event: RecordedEvent) throws {
        let excluded = try payload(PAREvents.UnitExcludedFromRanking.self, of: event)
        var (_, _, unit, _) = try context(event, cycle: excluded.cycle, unit: excluded.unit)
        guard !excluded.reason.isBlank else {
            throw RuleViolation(
                "leaving a unit out of the ranking needs a reason", vi: "Không xếp hạng một đơn vị phải nêu lý do.")
        }
        unit.excludedFromRanking = excluded.reason
        putUnit(unit, excluded.cycle, excluded.unit)
    }
}
