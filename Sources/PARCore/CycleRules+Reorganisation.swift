package import Ledger
import LedgerFormat

/// Units merged, renamed, split or dissolved between cycles.
extension CycleRules {
    package mutating func reorganise(_ event: RecordedEvent) throws {
        let reorganised = try payload(PAREvents.UnitsReorganised.self, of: event)
        guard event.stream == PAREvents.UnitsReorganised.stream else {
            throw RuleViolation(
                "UnitsReorganised belongs in the stream '\(PAREvents.UnitsReorganised.stream)'",
                vi: "Sự kiện sắp xếp lại đơn vị không ghi đúng luồng.")
        }
        guard !reorganised.decision.isBlank else {
            throw RuleViolation(
                "a reorganisation cites its decision", vi: "Việc sắp xếp lại đơn vị phải dẫn quyết định.")
        }
        guard PAREvents.DateWindow.isDate(reorganised.date) else {
            throw RuleViolation(
                "the reorganisation's date '\(reorganised.date)' is not a date YYYY-MM-DD",
                vi: "Ngày sắp xếp lại '\(reorganised.date)' không phải là ngày dạng YYYY-MM-DD.")
        }
        guard !reorganised.changes.isEmpty else {
            throw RuleViolation("a reorganisation lists its changes", vi: "Việc sắp xếp lại phải liệt kê các thay đổi.")
        }
        var map = state.map
        let scored = Set(state.cycles.values.flatMap { $0.record.opened.units.map(\.id) })
        for change in reorganised.changes {
            if let violation = change.arityViolation { throw violation }
            for unit in change.from + change.to {
                if let violation = RuleViolation.invalidID(unit, "unit", vi: "đơn vị") { throw violation }
            }
            guard Set(change.from).count == change.from.count, Set(change.to).count == change.to.count else {
                throw RuleViolation(
                    "a change names each unit once before and once after",
                    vi: "Mỗi thay đổi ghi mỗi đơn vị một lần ở trước và một lần ở sau.")
            }
            for unit in change.from {
                guard scored.contains(unit) || map.made.contains(unit) else {
                    throw RuleViolation.notFound(
                        "unit '\(unit)' is in no cycle and no earlier reorganisation; only a unit that exists can change",
                        vi:
                            "Đơn vị '\(unit)' không thuộc kỳ đánh giá nào và chưa có trong lần sắp xếp nào trước; chỉ đơn vị đang có mới thay đổi được."
                    )
                }
                guard !map.ended.contains(unit) else {
                    throw RuleViolation.stage(
                        "unit '\(unit)' was already merged, renamed, split or dissolved",
                        vi: "Đơn vị \(state.unitName(unit)) đã được sáp nhập, đổi tên, chia tách hoặc giải thể.")
                }
            }
            for unit in change.to where !change.from.contains(unit) && !map.ended.contains(unit) {
                guard !scored.contains(unit) && !map.made.contains(unit) else {
                    throw RuleViolation.stage(
                        "unit '\(unit)' exists; a change makes a new unit or keeps the id of one it changes",
                        vi:
                            "Đơn vị \(state.unitName(unit)) đang có; một thay đổi tạo đơn vị mới hoặc giữ mã của một đơn vị mà nó thay đổi."
                    )
                }
            }
            map.apply(change)
        }
        undo.append(.map(state.map))
        state.map.note(reorganised, at: event.sequence)
    }
}
