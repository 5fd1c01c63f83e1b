import Foundation
package import Ledger
import LedgerFormat

/// Frameworks, evidence, opening a cycle, deadlines and exclusions.
extension CycleRules {
    package mutating func addEvidence(_ event: RecordedEvent) throws {
        let added = try payload(PAREvents.EvidenceAdded.self, of: event)
        guard EventHash(hex: added.sha256) != nil, !added.name.isBlank, added.size >= 0 else {
            throw RuleViolation("evidence needs a name, a size and a SHA-256 of 64 hex digits")
        }
        guard event.stream == "evidence/\(added.sha256)" else {
            throw RuleViolation("EvidenceAdded belongs in the stream 'evidence/\(added.sha256)'")
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
            throw RuleViolation("the framework is malformed: \(error)")
        }
        let defects = FrameworkValidator.defects(in: framework)
        guard defects.isEmpty else {
            throw RuleViolation("the framework has defects: " + defects.map(\.description).joined(separator: "; "))
        }
        guard framework.id == id else {
            throw RuleViolation("the framework's content hash is \(framework.id), not \(id)")
        }
        guard CanonicalJSON.encode(framework.json) == CanonicalJSON.encode(document) else {
            throw RuleViolation(
                "the framework is not written in its normal form (canonical points, only the members of a framework)")
        }
        guard event.stream == "framework/\(id)" else {
            throw RuleViolation("FrameworkRegistered belongs in the stream 'framework/\(id)'")
        }
        guard state.frameworks[id] == nil else {
            throw RuleViolation.stage("framework \(id) is already registered")
        }
        putFramework(framework)
    }

    package mutating func openCycle(_ event: RecordedEvent) throws {
        let opened = try payload(PAREvents.CycleOpened.self, of: event)
        guard event.stream == PAREvents.cycleStream(opened.cycle) else {
            throw RuleViolation(
                "CycleOpened for '\(opened.cycle)' belongs in the stream '\(PAREvents.cycleStream(opened.cycle))'")
        }
        if let problem = Slug.problem(opened.cycle, "cycle") { throw RuleViolation(problem) }
        guard state.cycle(opened.cycle) == nil else {
            throw RuleViolation.stage("cycle '\(opened.cycle)' is already open")
        }
        guard Timestamp(iso8601: opened.selfAssessmentDeadline) != nil else {
            throw RuleViolation(
                "the self-assessment deadline '\(opened.selfAssessmentDeadline)' is not an ISO 8601 UTC time")
        }
        guard !opened.name.isBlank else { throw RuleViolation("cycle '\(opened.cycle)' needs a name") }
        if let scheme = opened.scheme, PAREvents.Scheme(rawValue: scheme) == nil {
            throw RuleViolation(
                "cycle '\(opened.cycle)' names scheme \(scheme); the schemes are \(PAREvents.Scheme.allCases.map { "\($0.rawValue)" }.joined(separator: " and "))"
            )
        }
        guard !opened.units.isEmpty else { throw RuleViolation("cycle '\(opened.cycle)' has no units") }
        var seen = Set<String>()
        var names: [String: String] = [:]
        for unit in opened.units {
            if let problem = Slug.problem(unit.id, "unit") ?? DisplayName.problem(unit.name, "unit '\(unit.id)'") {
                throw RuleViolation(problem)
            }
            guard seen.insert(unit.id).inserted else { throw RuleViolation("unit '\(unit.id)' is listed twice") }
            if let other = names.updateValue(unit.id, forKey: DisplayName.skeleton(unit.name)) {
                throw RuleViolation("the name of unit '\(unit.id)' is confusable with the name of unit '\(other)'")
            }
            if let problem = unit.kind.problem(inYear: opened.year, scheme: opened.effectiveScheme) {
                throw RuleViolation("unit '\(unit.id)': \(problem)")
            }
            guard let frameworkID = opened.frameworks[unit.kind.rawValue] else {
                throw RuleViolation.notFound(
                    "unit '\(unit.id)' is a \(unit.kind.rawValue) but the cycle names no framework for that kind")
            }
            guard let framework = state.framework(frameworkID) else {
                throw RuleViolation.notFound("framework \(frameworkID) is not registered; register it first")
            }
            guard framework.unitKind == unit.kind else {
                throw RuleViolation(
                    "framework \(frameworkID) scores \(framework.unitKind.plural), not \(unit.kind.plural)")
            }
        }
        if let window = opened.publicationWindow {
            guard PAREvents.DateWindow.isDate(window.from), PAREvents.DateWindow.isDate(window.until),
                window.from <= window.until
            else {
                throw RuleViolation("the publication window needs two dates YYYY-MM-DD, the first not after the second")
            }
        }
        if let previous = opened.previousCycle, !Slug.isValid(previous) || state.cycle(previous) == nil {
            throw RuleViolation.notFound("the previous cycle '\(previous)' does not exist")
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
                "an extension must be an ISO 8601 UTC time after the deadline \(cycle.opened.selfAssessmentDeadline)")
        }
        guard !extended.reason.isBlank else { throw RuleViolation("an extension needs a reason") }
        var unit = unitState
        unit.deadlineExtendedUntil = until.iso8601
        putUnit(unit, extended.cycle, extended.unit)
    }

    package mutating func exclude(_ event: RecordedEvent) throws {
        let excluded = try payload(PAREvents.UnitExcludedFromRanking.self, of: event)
        var (_, _, unit, _) = try context(event, cycle: excluded.cycle, unit: excluded.unit)
        guard !excluded.reason.isBlank else { throw RuleViolation("leaving a unit out of the ranking needs a reason") }
        unit.excludedFromRanking = excluded.reason
        putUnit(unit, excluded.cycle, excluded.unit)
    }
}
