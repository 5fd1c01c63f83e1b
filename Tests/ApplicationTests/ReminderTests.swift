import Application
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// Which e-mail reminders are due: read off "Việc cần làm", so a unit is reminded of its deadline only
/// while its self-assessment is not submitted, and of an explanation only while it is not answered.
@Suite struct ReminderTests {
    private func due(_ p: Province, at time: String, daysBefore: Int = 3) throws -> [String: Reminder] {
        p.clock.set(Timestamp(iso8601: time)!)
        let list = try ScoringService(p.scoring).dueReminders(now: p.clock.now(), daysBefore: daysBefore)
        return Dictionary(uniqueKeysWithValues: list.map { ($0.key, $0) })
    }

    @Test func aDeadlineIsRemindedWithinTheDaysBeforeAndOnTheDayUntilTheUnitSubmits() throws {
        let p = try Province(departments: 2, districts: 0)
        // The deadline is 2020-01-14T16:59:59.999Z: 14/01/2020, 23:59 in Vietnam.
        #expect(try due(p, at: "2020-01-05T02:00:00Z").isEmpty)
        #expect(
            try due(p, at: "2020-01-05T02:00:00Z", daysBefore: 10).keys.sorted() == [
                "deadline:\(p.cycle):d01:10", "deadline:\(p.cycle):d02:10",
            ])
        let twoDays = try due(p, at: "2020-01-12T01:00:00Z")
        let d01 = try #require(twoDays["deadline:\(p.cycle):d01:3"])
        #expect(d01.kind == .deadline(days: 3, daysLeft: 2))
        #expect(d01.recipients == [p.officer("d01")])
        #expect(d01.deadline == "2020-01-14T16:59:59.999Z")
        try p.selfAssessFully("d01")
        #expect(try due(p, at: "2020-01-14T03:00:00Z").keys.sorted() == ["deadline:\(p.cycle):d02:0"])
        #expect(try due(p, at: "2020-01-14T18:00:00Z").isEmpty)
    }

    @Test func anExplanationRequestIsRemindedUntilItIsAnswered() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.1.1")])
        let asked = try #require(try p.scoring.explanations(cycle: p.cycle, unit: "d01").first)
        let reminders = try due(p, at: "2020-01-05T03:00:00Z")
        let reminder = try #require(reminders["explanation:\(asked.askedSequence)"])
        #expect(reminder.recipients == [p.officer("d01")] && reminder.unit == "d01")
        #expect(reminders.count == 1)
        try p.issue(by: p.officer("d01"), [p.explain("d01")])
        #expect(try due(p, at: "2020-01-05T04:00:00Z").isEmpty)
    }
}
