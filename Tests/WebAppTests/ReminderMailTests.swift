import Application
import Foundation
import Testing

@testable import WebApp

/// The reminders' mail as the SMTP client sends it: a subject in RFC 2047 encoded words that decode to
/// the Vietnamese text, a UTF-8 plain-text body with CRLF line ends and dot-stuffing, and the words
/// of each kind of reminder, units and people by name.
@Suite struct ReminderMailTests {
    /// The text of `header`'s encoded words, decoded.
    private func decoded(_ header: String) -> String {
        let bytes = header.components(separatedBy: "\r\n ").flatMap { word -> [UInt8] in
            let inner = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return Array(Data(base64Encoded: String(inner)) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aVietnameseSubjectIsEncodedInWordsThatDecodeToItAndNeverSplitACharacter() {
        let subject = "Nhắc việc: còn 3 ngày đến hạn nộp bản tự đánh giá của Sở Tài nguyên và Môi trường"
        let encoded = MailMessage.encodedWord(subject)
        #expect(decoded(encoded) == subject)
        for word in encoded.components(separatedBy: "\r\n ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
            #expect(
                Data(base64Encoded: String(word.dropFirst(10).dropLast(2))).flatMap {
                    String(data: $0, encoding: .utf8)
                } != nil)
        }
        #expect(MailMessage.encodedWord("Reminder") == "Reminder")
        #expect(MailMessage.encodedWord("a =?b?= c").hasPrefix("=?UTF-8?B?"))
    }

    @Test func theBodyIsCRLFEndedDotStuffedAndEndedByTheLoneDot() {
        let message = MailMessage(
            from: "vanphong@snv.example.gov.vn", to: ["a@x.example", "b@y.example"], subject: "Thử",
            body: "Dòng một\n.dòng bắt đầu bằng dấu chấm\n.\nhết")
        let data = message.data(date: Date(timeIntervalSince1970: 0), id: "m1")
        #expect(data.hasSuffix("\r\n\r\nDòng một\r\n..dòng bắt đầu bằng dấu chấm\r\n..\r\nhết\r\n.\r\n"))
        #expect(data.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        #expect(data.contains("\r\nTo: a@x.example, b@y.example\r\n"))
        #expect(data.contains("\r\nDate: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(data.contains("\r\nMessage-ID: <m1@snv.example.gov.vn>\r\n"))
        #expect(!data.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func eachReminderSaysWhatIsDueUnitsAndPeopleByName() {
        let soon = Reminder(
            kind: .deadline(days: 3, daysLeft: 2), cycle: "cchc-2019", unit: "so-y-te", recipients: ["cb"],
            deadline: "2020-01-14T16:59:59.999Z")
        let text = ReminderMail.text(soon, unitName: "Sở Y tế", cycleName: "Chỉ số CCHC 2019", names: ["Phạm Thu Hà"])
        #expect(text.subject == "Nhắc việc: còn 2 ngày đến hạn nộp bản tự đánh giá của Sở Y tế")
        #expect(text.body.hasPrefix("Kính gửi Phạm Thu Hà,") && text.body.contains("Hạn nộp: 14/01/2020 (còn 2 ngày)."))
        let today = Reminder(
            kind: .deadline(days: 0, daysLeft: 0), cycle: "cchc-2019", unit: "so-y-te", recipients: ["cb"],
            deadline: "2020-01-14T16:59:59.999Z")
        #expect(
            ReminderMail.text(today, unitName: "Sở Y tế", cycleName: "", names: []).subject
                == "Nhắc việc: hôm nay là hạn nộp bản tự đánh giá của Sở Y tế")
        let asked = Reminder(kind: .explanation(sequence: 42), cycle: "cchc-2019", unit: "so-y-te", recipients: ["cb"])
        let explanation = ReminderMail.text(
            asked, unitName: "Sở Y tế", cycleName: "Chỉ số CCHC 2019", names: ["Phạm Thu Hà"], question: "Gửi kế hoạch."
        )
        #expect(explanation.subject == "Hội đồng thẩm định yêu cầu Sở Y tế giải trình")
        #expect(explanation.body.contains("Nội dung yêu cầu: Gửi kế hoạch."))
        #expect(asked.key == "explanation:42" && soon.key == "deadline:cchc-2019:so-y-te:3")
    }
}
