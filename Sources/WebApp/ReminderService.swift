import Application
import Foundation
public import Logging
import PARCore
public import PARIndex
public import ServiceLifecycle

/// Sends the reminders due by e-mail, beside the web server, every `interval` seconds until the server
/// stops: reads the settings file, asks the application which reminders are due, sends those not in
/// the sent log and adds each sent one to it. A failure is logged with its reason and the reminder
/// is tried again at the next round; nothing runs on a request's thread.
public struct ReminderService: Service {
    let scoring: ScoringLedger
    let logger: Logger
    let interval: Duration

    public init(scoring: ScoringLedger, logger: Logger, interval: Duration = .seconds(60)) {
        (self.scoring, self.logger, self.interval) = (scoring, logger, interval)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await offloaded { try round() }
            } catch {
                logger.error("reminders: a round failed", metadata: ["reason": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// One round: every reminder due and not sent yet, sent now when its unit's officers have an address.
    func round() throws {
        let settings = try ReminderSettings.load(ReminderSettings.path(beside: scoring.ledger))
        guard !settings.smtp.host.isEmpty, !settings.smtp.sender.isEmpty else { return }
        let sentPath = SentReminders.path(beside: scoring.ledger)
        var log = try SentReminders.load(sentPath)
        let now = scoring.ledger.now()
        let due = try ScoringService(scoring).dueReminders(now: now, daysBefore: settings.daysBefore)
        for reminder in due where log.sent[reminder.key] == nil {
            let to = reminder.recipients.compactMap { settings.addresses[$0] }
            guard !to.isEmpty else { continue }
            do {
                try SMTPClient(server: settings.smtp).send(try message(reminder, from: settings.smtp.sender, to: to))
            } catch {
                ServerMetrics.reminderFailed()
                logger.warning(
                    "reminders: not sent, tried again later",
                    metadata: ["reminder": "\(reminder.key)", "reason": "\(error)"])
                continue
            }
            ServerMetrics.reminderSent()
            log.sent[reminder.key] = now.iso8601
            try log.save(sentPath)
            logger.notice("reminders: sent", metadata: ["reminder": "\(reminder.key)", "to": "\(to.count)"])
        }
    }

    private func message(_ reminder: Reminder, from: String, to: [String]) throws -> MailMessage {
        let record = try scoring.status(cycle: reminder.cycle, now: scoring.ledger.now()).record
        let names = try reminder.recipients.compactMap { try scoring.ledger.actor($0)?.name }
        var question: String?
        if case .explanation(let sequence) = reminder.kind {
            question = try scoring.explanations(cycle: reminder.cycle, unit: reminder.unit)
                .first { $0.askedSequence == sequence }?.question
        }
        let text = ReminderMail.text(
            reminder, unitName: record.unit(reminder.unit)?.name ?? reminder.unit,
            cycleName: Vietnamese.cycleName(record), names: names, question: question)
        return MailMessage(from: from, to: to, subject: text.subject, body: text.body)
    }
}
