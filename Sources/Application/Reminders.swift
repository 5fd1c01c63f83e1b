public import Ledger
public import LedgerFormat
import PARCore

/// A reminder due by e-mail now, read off "Việc cần làm" (the same rules as the home page): a unit's
/// self-assessment near or at its deadline, or an explanation the council asked of the unit. Its `key`
/// names it once and for all, so that a sender that remembers the keys it sent never sends it twice.
public struct Reminder: Sendable, Hashable {
    /// Why the unit is reminded.
    public enum Kind: Sendable, Hashable {
        /// The self-assessment is not submitted and its deadline is `daysLeft` days away (0: today);
        /// `days` is the reminder's place in the sent log: the days before set (N) or 0 on the day.
        case deadline(days: Int, daysLeft: Int)
        /// The council asked for an explanation, recorded at event `sequence`.
        case explanation(sequence: UInt64)
    }

    public let kind: Kind
    public let cycle: String
    public let unit: String
    /// The unit's officers who must act: actor ids, in order.
    public let recipients: [String]
    /// The deadline (ISO 8601) for a deadline reminder.
    public let deadline: String?

    public init(kind: Kind, cycle: String, unit: String, recipients: [String], deadline: String? = nil) {
        (self.kind, self.cycle, self.unit, self.recipients, self.deadline) = (kind, cycle, unit, recipients, deadline)
    }

    /// The name in the sent log: `deadline:<cycle>:<unit>:<days>` or `explanation:<event sequence>`.
    public var key: String {
        switch kind {
        case .deadline(let days, _): "deadline:\(cycle):\(unit):\(days)"
        case .explanation(let sequence): "explanation:\(sequence)"
        }
    }
}

extension ScoringService {
    /// The reminders due at `now`: for each unit still in self-assessment, one when its deadline is at
    /// most `daysBefore` days away (keyed by `daysBefore`, so a server that was down on that very day still
    /// sends it) and one on the day; for each explanation request not answered, one. Each lists the
    /// active officers of the unit, who see the same item under "Việc cần làm".
    public func dueReminders(now: Timestamp, daysBefore: Int) throws -> [Reminder] {
        var officers: [String: [String]] = [:]
        var due: [String: (todo: Todo, left: Int)] = [:]
        var asked: [String: Todo] = [:]
        let today = Self.dayNumber(String(now.local(in: .vietnam).prefix(10)))
        for actor in try scoring.ledger.allActors() where actor.status == .active {
            for todo in try todo(for: actor, now: now) {
                guard let unit = todo.unit else { continue }
                let place = "\(todo.cycle)\u{0}\(unit)"
                switch todo.kind {
                case .selfAssessment:
                    guard let deadline = todo.deadline, let time = Timestamp(iso8601: deadline),
                        let last = Self.dayNumber(String(time.local(in: .vietnam).prefix(10))), let today
                    else { continue }
                    let left = last - today
                    guard left >= 0, left <= daysBefore else { continue }
                    officers[place, default: []].append(actor.id)
                    due[place] = (todo, left)
                case .answerExplanations:
                    officers[place, default: []].append(actor.id)
                    asked[place] = todo
                default: continue
                }
            }
        }
        var reminders: [Reminder] = []
        for (place, entry) in due.sorted(by: { $0.key < $1.key }) {
            reminders.append(
                Reminder(
                    kind: .deadline(days: entry.left == 0 ? 0 : daysBefore, daysLeft: entry.left),
                    cycle: entry.todo.cycle, unit: entry.todo.unit ?? "",
                    recipients: officers[place] ?? [], deadline: entry.todo.deadline))
        }
        for (place, todo) in asked.sorted(by: { $0.key < $1.key }) {
            let unit = todo.unit ?? ""
            for request in try scoring.explanations(cycle: todo.cycle, unit: unit) where request.answer == nil {
                reminders.append(
                    Reminder(
                        kind: .explanation(sequence: request.askedSequence), cycle: todo.cycle, unit: unit,
                        recipients: officers[place] ?? [], deadline: nil))
            }
        }
        return reminders
    }

    /// Days since 1970-01-01 of a date `YYYY-MM-DD` (proleptic Gregorian); nil for anything else.
    static func dayNumber(_ ymd: String) -> Int? {
        let parts = ymd.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (y, m, d) = (parts[1] <= 2 ? parts[0] - 1 : parts[0], parts[1], parts[2])
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}
