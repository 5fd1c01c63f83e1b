import PARCore
import PARIndex

/// After the 2019 publication: two objections, one accepted and resolved by a correction, one rejected.
extension DemoScript {
    /// The first assessed criterion of Sở Y tế below its maximum after the 2019 publication: the one it
    /// objects to and the secretariat corrects.
    private func disputedCriterion(in plan: CyclePlan) throws -> Criterion? {
        guard plan.year == province.years[0] else { return nil }
        return try scoring.scores(cycle: plan.cycle, unit: province.objectingUnit).first(where: {
            $0.0.method == .assessed && ($0.1.effective(method: .assessed)?.value ?? .zero) < $0.0.maxPoints
        })?.0
    }

    /// After the 2019 publication, Sở Y tế objects to one criterion's score and the secretariat accepts;
    /// Huyện Điện Biên objects to its whole result and the secretariat rejects.
    func objections(in plan: CyclePlan) throws -> [(
        filed: PAREvents.ObjectionFiled, answer: PAREvents.ObjectionAnswered
    )] {
        guard let criterion = try disputedCriterion(in: plan),
            plan.units.contains(where: { $0.id == province.rejectedUnit })
        else { return [] }
        let accepted = PAREvents.ObjectionFiled(
            cycle: plan.cycle, unit: province.objectingUnit, objection: province.acceptedObjection,
            criterion: criterion.code,
            reason:
                "Tài liệu kiểm chứng tiêu chí \(criterion.code) đã nộp đúng hạn nhưng không được ghi nhận khi thẩm định"
        )
        let rejected = PAREvents.ObjectionFiled(
            cycle: plan.cycle, unit: province.rejectedUnit, objection: "kn-\(plan.year)-\(province.rejectedUnit)",
            reason: "Đề nghị xem xét lại điểm điều tra xã hội học của huyện")
        return [
            (
                accepted,
                PAREvents.ObjectionAnswered(
                    cycle: plan.cycle, unit: accepted.unit, objection: accepted.objection, decision: "accepted",
                    answer:
                        "Hội đồng phúc khảo chấp nhận: tài liệu kiểm chứng hợp lệ bị bỏ sót; điểm được điều chỉnh theo Quyết định 815/QĐ-UBND"
                )
            ),
            (
                rejected,
                PAREvents.ObjectionAnswered(
                    cycle: plan.cycle, unit: rejected.unit, objection: rejected.objection, decision: "rejected",
                    answer:
                        "Điểm điều tra xã hội học do đơn vị độc lập thực hiện theo đúng phương pháp; không có căn cứ điều chỉnh"
                )
            ),
        ]
    }

    /// After the 2019 publication, one of Sở Y tế's scores is raised to its maximum on review, resolving
    /// its objection.
    func corrections(in plan: CyclePlan) throws -> [PAREvents.CorrectionRecorded] {
        guard let criterion = try disputedCriterion(in: plan) else { return [] }
        let objection = try scoring.objections(cycle: plan.cycle).first {
            $0.objection == province.acceptedObjection && $0.answer?.decision == "accepted"
        }
        return [
            PAREvents.CorrectionRecorded(
                cycle: plan.cycle, unit: province.objectingUnit, criterion: criterion.code,
                points: criterion.maxPoints.description, decision: "815/QĐ-UBND",
                reason: "Kết quả phúc khảo: tài liệu kiểm chứng hợp lệ bị bỏ sót khi thẩm định",
                objection: objection?.objection)
        ]
    }
}
