/// What the chair's seal of a unit would accept unseen: the criteria nobody on the council appraised
/// (the seal recognises them at the unit's self-score) and the unit's answers to the council's
/// questions that no appraisal followed. An answer counts as read when an appraisal of its criterion
/// was recorded after it, which the ledger proves by the two events' sequence numbers.
public struct SealReadiness: Sendable {
    public let unappraised: [Criterion]
    /// The answered requests with no appraisal of their criterion after the answer, each with its criterion.
    public let unreadAnswers: [(criterion: Criterion, request: ExplanationRecord)]

    /// Nothing would be accepted unseen.
    public var isComplete: Bool { unappraised.isEmpty && unreadAnswers.isEmpty }
}

extension UnitScoresReport {
    /// What sealing the unit now would accept unseen.
    public var sealReadiness: SealReadiness {
        var unappraised: [Criterion] = []
        var unread: [(criterion: Criterion, request: ExplanationRecord)] = []
        for line in lines where (line.criterion.method ?? .assessed) == .assessed && !line.isNotApplicable {
            let appraisedAt = line.score.appraised?.sequence
            if appraisedAt == nil { unappraised.append(line.criterion) }
            for request in line.explanations {
                guard let answer = request.answer, appraisedAt.map({ $0 < answer.sequence }) ?? true else { continue }
                unread.append((line.criterion, request))
            }
        }
        return SealReadiness(unappraised: unappraised, unreadAnswers: unread)
    }
}
