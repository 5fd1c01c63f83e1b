import Ledger
public import LedgerFormat
public import PARCore
public import PARIndex

/// A unit's self-assessment as `SyntheticScoring` makes it: its events, and the points it gave itself
/// per criterion code (what a script appraises when it does not read the ledger meanwhile).
public struct SyntheticSelfAssessment {
    public let events: [EventDraft]
    public let points: [String: Points]
}

/// The reproducible choices the demo and the benchmarks make alike, each drawn from the caller's
/// `SyntheticRandom` in a fixed order: how well a unit scores itself and on what evidence, which
/// self-scores the council reconsiders, what the survey gives, and what a spot-check recognises or lowers.
public enum SyntheticScoring {
    /// `unit`'s self-scores on the assessed criteria of `framework` but `skipped`: the unit draws how
    /// often it gives itself a criterion's maximum, else a part of it from 10%; 85 in 100 cite the
    /// document `evidence` adds for the criterion (drawing from the same random sequence), the others
    /// explain the score instead.
    public static func selfAssessment(
        of unit: CycleUnit, framework: Framework, in plan: CyclePlan, skipping skipped: Set<String> = [],
        random: inout SyntheticRandom,
        evidence: (Criterion, inout SyntheticRandom) throws -> PAREvents.EvidenceAdded
    ) rethrows -> SyntheticSelfAssessment {
        let quality = 30 + random.below(70)
        var events: [EventDraft] = []
        var points: [String: Points] = [:]
        for leaf in framework.leaves where leaf.method == .assessed && !skipped.contains(leaf.code) {
            let scored = random.chance(quality) ? leaf.maxPoints : random.part(of: leaf.maxPoints, from: 10)
            points[leaf.code] = scored
            var citations: [EvidenceCitation] = []
            var explanation: String?
            if random.chance(85) {
                let added = try evidence(leaf, &random)
                events.append(added.draft)
                citations = [added.citation]
            } else {
                explanation =
                    "Tự chấm theo hướng dẫn: đạt \(scored) trên \(leaf.maxPoints) điểm theo kết quả thực hiện trong năm"
            }
            events.append(
                PAREvents.SelfScoreRecorded(
                    cycle: plan.cycle, unit: unit.id, criterion: leaf.code, points: scored.description,
                    evidence: citations, explanation: explanation
                ).draft)
        }
        return SyntheticSelfAssessment(events: events, points: points)
    }

    /// The council's second look at a self-score: one in ten is reconsidered, to a part of it from
    /// nothing to all of it; nil when the self-score stands.
    public static func appraisal(of selfPoints: Points, random: inout SyntheticRandom) -> Points? {
        random.chance(10) ? random.part(of: selfPoints, from: 0) : nil
    }

    /// The survey's score of each survey criterion of `framework`: a part of its maximum from 35%.
    public static func surveyScores(of framework: Framework, random: inout SyntheticRandom) -> [PAREvents.SurveyScore] {
        framework.leaves.filter { $0.method == .survey }.map { leaf in
            PAREvents.SurveyScore(criterion: leaf.code, points: random.part(of: leaf.maxPoints, from: 35).description)
        }
    }

    /// The steering committee's re-check of the drawn `unit`: its first `limit` assessed, applicable
    /// criteria, each recognised, or lowered by a quarter point for incomplete records where its
    /// appraised score allows and `lowers` (asked only then, with the criterion's position) says so.
    public static func spotCheck(
        of unit: String, in plan: CyclePlan, scoring: ScoringLedger, limit: Int = .max, lowers: (Int) -> Bool
    ) throws -> [PAREvents.SpotCheckScoreRecorded] {
        let rechecked = try scoring.scores(cycle: plan.cycle, unit: unit).filter {
            $0.0.method == .assessed && $0.1.notApplicable == nil
        }.prefix(limit)
        var recorded: [PAREvents.SpotCheckScoreRecorded] = []
        for (position, (criterion, score)) in rechecked.enumerated() {
            let appraised = score.appraised?.value ?? .zero
            let lower = appraised.hundredths >= 25 && lowers(position)
            recorded.append(
                PAREvents.SpotCheckScoreRecorded(
                    cycle: plan.cycle, unit: unit, criterion: criterion.code, decision: lower ? "lower" : "recognise",
                    points: lower ? (appraised - Points(hundredths: 25)).description : nil,
                    reason: lower ? "Phúc tra: hồ sơ lưu trữ không đầy đủ" : nil))
        }
        return recorded
    }
}
