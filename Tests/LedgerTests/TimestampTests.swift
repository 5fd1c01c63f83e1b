import Ledger
import Testing
import TestSupport

@Suite struct TimestampTests {
    @Test func iso8601RoundTripsWithMilliseconds() throws {
        let text = "2020-01-14T09:30:05.042Z"
        let timestamp = try #require(Timestamp(iso8601: text))
        #expect(timestamp.iso8601 == text)
        #expect(Timestamp(iso8601: "2020-01-14T09:30:05Z")?.iso8601 == "2020-01-14T09:30:05.000Z")
    }

    @Test func epochIsTheStartOf1970() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test func malformedOrImpossibleDatesAreRefused() {
        #expect(Timestamp(iso8601: "2020-02-30T00:00:00Z") == nil)
        #expect(Timestamp(iso8601: "2020-01-14 09:30:05Z") == nil)
        #expect(Timestamp(iso8601: "2020-01-14T09:30:05+07:00") == nil)
        #expect(Timestamp(iso8601: "") == nil)
    }
}
