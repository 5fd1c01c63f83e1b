import Ledger
import LedgerFormat
import TestSupport
import Testing

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

    @Test func yearsBeyondFourDigitsAreWrittenInFull() {
        let tenThousand = Timestamp(millisecondsSinceEpoch: 253_402_300_800_000)
        #expect(tenThousand.iso8601 == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 253_402_300_799_999).iso8601 == "9999-12-31T23:59:59.999Z")
    }

    @Test func malformedOrImpossibleDatesAreRefused() {
        #expect(Timestamp(iso8601: "2020-02-30T00:00:00Z") == nil)
        #expect(Timestamp(iso8601: "2020-01-14 09:30:05Z") == nil)
        #expect(Timestamp(iso8601: "2020-01-14T09:30:05+07:00") == nil)
        #expect(Timestamp(iso8601: "") == nil)
    }

    @Test func typedDatesAreDaysInTheProvince() throws {
        let start = try #require(Timestamp(typed: "2020-01-31", zone: .vietnam, bareDate: .start))
        let end = try #require(Timestamp(typed: "2020-01-31", zone: .vietnam, bareDate: .end))
        #expect(start.iso8601 == "2020-01-30T17:00:00.000Z")
        #expect(end.iso8601 == "2020-01-31T16:59:59.999Z")
        #expect(Timestamp(typed: "2020-01-31", zone: .utc, bareDate: .end)?.iso8601 == "2020-01-31T23:59:59.999Z")
    }

    @Test func typedTimesWithAnOffsetOrInUTC() {
        #expect(
            Timestamp(typed: "2020-01-31T23:59:59+07:00", zone: .utc, bareDate: .start)?.iso8601
                == "2020-01-31T16:59:59.000Z")
        #expect(
            Timestamp(typed: "2020-01-31T23:59:59.250+07:00", zone: .utc, bareDate: .start)?.iso8601
                == "2020-01-31T16:59:59.250Z")
        #expect(
            Timestamp(typed: "2020-01-31T10:00:00-03:30", zone: .vietnam, bareDate: .start)?.iso8601
                == "2020-01-31T13:30:00.000Z")
        #expect(
            Timestamp(typed: "2020-01-31T16:59:59Z", zone: .vietnam, bareDate: .start)?.iso8601
                == "2020-01-31T16:59:59.000Z")
        #expect(
            Timestamp(typed: "2020-01-31T16:59:59.999Z", zone: .vietnam, bareDate: .start)?.iso8601
                == "2020-01-31T16:59:59.999Z")
    }

    @Test func typedTimesWithoutAZoneOrImpossibleAreRefused() {
        for text in [
            "2020-01-31T23:59:59", "2020-02-30", "2020-1-31", "31/01/2020", "2020-01-31T23:59:59+7:00",
            "2020-01-31T23:59:59+15:00", "2020-01-31T24:00:00+07:00", "",
        ] {
            #expect(Timestamp(typed: text, zone: .vietnam, bareDate: .end) == nil, "\(text)")
        }
    }

    @Test func localTimesReadBack() throws {
        let time = try #require(Timestamp(iso8601: "2020-01-06T02:00:02.000Z"))
        #expect(time.local(in: .vietnam) == "2020-01-06T09:00:02+07:00")
        #expect(time.local(in: .utc) == "2020-01-06T02:00:02Z")
        let precise = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + 999)
        #expect(precise.local(in: .vietnam) == "2020-01-06T09:00:02.999+07:00")
        #expect(Timestamp(typed: precise.local(in: .vietnam), zone: .utc, bareDate: .start) == precise)
        #expect(
            UTCOffset("+07:00") == .vietnam && UTCOffset.vietnam.description == "+07:00" && UTCOffset("07:00") == nil)
    }
}
