// Timeline buckets in time zones (IANA names over the system's tzdata), ISO weeks and
// zero fill: bucket boundaries and labels checked against dates worked out by hand from
// the zone rules (zdump -v), and whole timelines against a model that formats each
// article's local time with cctz::format.
#include <gtest/gtest.h>

#include <cctz/time_zone.h>

#include <chrono>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "articledb/archive.h"
#include "query/buckets.h"
#include "test_util.h"
#include "time_util.h"

namespace articledb {
namespace {

using testing::TempDir;

int64_t T(const char* text) {
  int64_t micros = 0;
  Status s = ParseTimeArgument(text, &micros);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return micros;
}

struct Span {
  int64_t start = 0;
  int64_t end = 0;
  std::string label;
};

Span Of(Bucket unit, const char* zone, int64_t micros) {
  BucketCalendar calendar;
  Status s = BucketCalendar::Make(unit, zone, &calendar);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Span span;
  calendar.Of(micros, &span.start, &span.end, &span.label);
  return span;
}

constexpr int64_t kHour = 3600 * kMicrosPerSecond;

TEST(BucketCalendarTest, ParisDaysAcrossDaylightSavingChangesLast23And25Hours) {
  // 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC).
  Span spring = Of(Bucket::kDay, "Europe/Paris", T("2024-03-31T12:00:00Z"));
  EXPECT_EQ(spring.label, "2024-03-31");
  EXPECT_EQ(spring.start, T("2024-03-30T23:00:00Z"));
  EXPECT_EQ(spring.end, T("2024-03-31T22:00:00Z"));
  EXPECT_EQ(spring.end - spring.start, 23 * kHour);
  // 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00 UTC).
  Span autumn = Of(Bucket::kDay, "Europe/Paris", T("2024-10-27T12:00:00Z"));
  EXPECT_EQ(autumn.label, "2024-10-27");
  EXPECT_EQ(autumn.start, T("2024-10-26T22:00:00Z"));
  EXPECT_EQ(autumn.end, T("2024-10-27T23:00:00Z"));
  EXPECT_EQ(autumn.end - autumn.start, 25 * kHour);
  // Both hours of the repeated 02:00-03:00 belong to the same day.
  EXPECT_EQ(Of(Bucket::kDay, "Europe/Paris", T("2024-10-27T00:30:00Z")).label, "2024-10-27");
  EXPECT_EQ(Of(Bucket::kDay, "Europe/Paris", T("2024-10-27T01:30:00Z")).label, "2024-10-27");
  // The month of March 2024 in Paris is one hour shorter than 31 days.
  Span march = Of(Bucket::kMonth, "Europe/Paris", T("2024-03-15T00:00:00Z"));
  EXPECT_EQ(march.label, "2024-03");
  EXPECT_EQ(march.start, T("2024-02-29T23:00:00Z"));
  EXPECT_EQ(march.end, T("2024-03-31T22:00:00Z"));
}

TEST(BucketCalendarTest, KolkataDaysStartAt1830Utc) {
  EXPECT_EQ(Of(Bucket::kDay, "Asia/Kolkata", T("2024-05-01T18:29:59.999999Z")).label,
            "2024-05-01");
  Span next = Of(Bucket::kDay, "Asia/Kolkata", T("2024-05-01T18:30:00Z"));
  EXPECT_EQ(next.label, "2024-05-02");
  EXPECT_EQ(next.start, T("2024-05-01T18:30:00Z"));
  EXPECT_EQ(next.end, T("2024-05-02T18:30:00Z"));
  Span june = Of(Bucket::kMonth, "Asia/Kolkata", T("2024-05-31T18:30:00Z"));
  EXPECT_EQ(june.label, "2024-06");
  EXPECT_EQ(june.start, T("2024-05-31T18:30:00Z"));
  Span year = Of(Bucket::kYear, "Asia/Kolkata", T("2024-12-31T19:00:00Z"));
  EXPECT_EQ(year.label, "2025");
  EXPECT_EQ(year.start, T("2024-12-31T18:30:00Z"));
}

TEST(BucketCalendarTest, StJohnsDaysFollowItsHalfHourOffsetsAndDaylightSaving) {
  // NST is -03:30, NDT -02:30; 2024-03-10 02:00 NST becomes 03:00 NDT (05:30 UTC).
  Span winter = Of(Bucket::kDay, "America/St_Johns", T("2024-01-15T03:30:00Z"));
  EXPECT_EQ(winter.label, "2024-01-15");
  EXPECT_EQ(winter.start, T("2024-01-15T03:30:00Z"));
  EXPECT_EQ(Of(Bucket::kDay, "America/St_Johns", T("2024-01-15T03:29:59Z")).label, "2024-01-14");
  Span summer = Of(Bucket::kDay, "America/St_Johns", T("2024-07-01T02:30:00Z"));
  EXPECT_EQ(summer.label, "2024-07-01");
  EXPECT_EQ(summer.start, T("2024-07-01T02:30:00Z"));
  Span change = Of(Bucket::kDay, "America/St_Johns", T("2024-03-10T12:00:00Z"));
  EXPECT_EQ(change.start, T("2024-03-10T03:30:00Z"));
  EXPECT_EQ(change.end, T("2024-03-11T02:30:00Z"));
  EXPECT_EQ(change.end - change.start, 23 * kHour);
}

TEST(BucketCalendarTest, IsoWeekLabelsAtYearBoundaries) {
  Span w53 = Of(Bucket::kWeek, "", T("2021-01-03T23:59:59Z"));  // a Sunday
  EXPECT_EQ(w53.label, "2020-W53");
  EXPECT_EQ(w53.start, T("2020-12-28T00:00:00Z"));
  EXPECT_EQ(w53.end, T("2021-01-04T00:00:00Z"));
  EXPECT_EQ(Of(Bucket::kWeek, "", T("2021-01-04T00:00:00Z")).label, "2021-W01");
  Span w01 = Of(Bucket::kWeek, "", T("2024-12-30T00:00:00Z"));  // a Monday
  EXPECT_EQ(w01.label, "2025-W01");
  EXPECT_EQ(w01.start, T("2024-12-30T00:00:00Z"));
  EXPECT_EQ(Of(Bucket::kWeek, "", T("2024-12-29T23:59:59Z")).label, "2024-W52");
  EXPECT_EQ(Of(Bucket::kWeek, "", T("2026-01-01T00:00:00Z")).label, "2026-W01");
  EXPECT_EQ(Of(Bucket::kWeek, "", T("2027-01-01T00:00:00Z")).label, "2026-W53");
  // In Paris, 23:30 UTC on Sunday 2021-01-03 is already Monday: week 1 of 2021, which
  // began at local midnight.
  Span paris = Of(Bucket::kWeek, "Europe/Paris", T("2021-01-03T23:30:00Z"));
  EXPECT_EQ(paris.label, "2021-W01");
  EXPECT_EQ(paris.start, T("2021-01-03T23:00:00Z"));
  EXPECT_EQ(paris.end, T("2021-01-10T23:00:00Z"));
}

TEST(BucketCalendarTest, DatesBefore1970AndOldLocalMeanTimes) {
  Span utc = Of(Bucket::kDay, "", T("1969-12-31T23:59:59.999999Z"));
  EXPECT_EQ(utc.label, "1969-12-31");
  EXPECT_EQ(utc.start, -kMicrosPerDay);
  EXPECT_EQ(utc.end, 0);
  // Wednesday 1969-12-31 is in the week of Thursday 1970-01-01.
  Span week = Of(Bucket::kWeek, "", T("1969-12-31T00:00:00Z"));
  EXPECT_EQ(week.label, "1970-W01");
  EXPECT_EQ(week.start, T("1969-12-29T00:00:00Z"));
  Span paris = Of(Bucket::kDay, "Europe/Paris", T("1969-12-31T23:30:00Z"));
  EXPECT_EQ(paris.label, "1970-01-01");
  EXPECT_EQ(paris.start, T("1969-12-31T23:00:00Z"));
  // Before 1911 Paris kept Paris Mean Time, +00:09:21.
  Span pmt = Of(Bucket::kDay, "Europe/Paris", T("1900-01-01T00:00:00Z"));
  EXPECT_EQ(pmt.label, "1900-01-01");
  EXPECT_EQ(pmt.start, T("1899-12-31T23:50:39Z"));
  // The first day a record may carry, and the day before it in New York (-04:56:02).
  EXPECT_EQ(Of(Bucket::kDay, "", T("0001-01-01T00:00:00Z")).label, "0001-01-01");
  EXPECT_EQ(Of(Bucket::kDay, "America/New_York", T("0001-01-01T00:00:00Z")).label,
            "0000-12-31");
  EXPECT_EQ(Of(Bucket::kYear, "Asia/Kolkata", T("9999-12-31T23:59:59Z")).label, "10000");
}

TEST(BucketCalendarTest, DayWhoseMidnightIsSkippedStartsAtTheJump) {
  // America/Sao_Paulo, 2018-11-04: 00:00 -03 became 01:00 -02 (03:00 UTC).
  Span day = Of(Bucket::kDay, "America/Sao_Paulo", T("2018-11-04T12:00:00Z"));
  EXPECT_EQ(day.label, "2018-11-04");
  EXPECT_EQ(day.start, T("2018-11-04T03:00:00Z"));
  EXPECT_EQ(Of(Bucket::kDay, "America/Sao_Paulo", T("2018-11-04T02:59:59Z")).end, day.start);
}

TEST(BucketCalendarTest, DayWhoseMidnightIsRepeatedStartsAtTheFirst) {
  // America/Havana, 2024-11-03: 01:00 CDT (-04) became 00:00 CST (-05) at 05:00 UTC.
  Span day = Of(Bucket::kDay, "America/Havana", T("2024-11-03T12:00:00Z"));
  EXPECT_EQ(day.start, T("2024-11-03T04:00:00Z"));
  EXPECT_EQ(day.end, T("2024-11-04T05:00:00Z"));
  EXPECT_EQ(Of(Bucket::kDay, "America/Havana", T("2024-11-03T05:30:00Z")).label, "2024-11-03");
}

TEST(BucketCalendarTest, DayThatNeverHappenedIsNoBucket) {
  // Pacific/Apia skipped 2011-12-30: 23:59:59 on the 29th (-10) was followed by 00:00
  // on the 31st (+14), at 10:00 UTC on the 30th.
  Span last = Of(Bucket::kDay, "Pacific/Apia", T("2011-12-30T09:59:59Z"));
  EXPECT_EQ(last.label, "2011-12-29");
  EXPECT_EQ(last.end, T("2011-12-30T10:00:00Z"));
  Span next = Of(Bucket::kDay, "Pacific/Apia", last.end);
  EXPECT_EQ(next.label, "2011-12-31");
  EXPECT_EQ(next.start, last.end);
}

TEST(BucketCalendarTest, UnknownTimeZoneIsInvalidArgumentNamingIt) {
  BucketCalendar calendar;
  for (const char* zone : {"Mars/Olympus_Mons", "europe/paris ", "../../../../etc/passwd",
                           "Europe/Paris\n"}) {
    Status s = BucketCalendar::Make(Bucket::kDay, zone, &calendar);
    EXPECT_TRUE(s.IsInvalidArgument()) << zone << ": " << s.ToString();
    EXPECT_NE(s.ToString().find(zone), std::string::npos) << s.ToString();
  }
}

TEST(BucketCalendarTest, ConsecutiveBucketsTileTimeInEveryZoneAndUnit) {
  // Of(end) starts where the previous bucket ended, and every instant lies in its bucket.
  for (const char* zone : {"", "UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns",
                           "Pacific/Apia", "America/Havana", "Australia/Lord_Howe"}) {
    for (Bucket unit : {Bucket::kDay, Bucket::kWeek, Bucket::kMonth, Bucket::kYear}) {
      BucketCalendar calendar;
      ASSERT_TRUE(BucketCalendar::Make(unit, zone, &calendar).ok());
      int64_t start, end;
      std::string label, previous;
      calendar.Of(T("2010-01-01T00:00:00Z"), &start, &end, &label);
      for (int i = 0; i < 400; ++i) {
        ASSERT_LT(start, end) << zone << " " << label;
        int64_t s2, e2;
        calendar.Of(end - 1, &s2, &e2, nullptr);
        ASSERT_EQ(s2, start) << zone << " " << label;
        previous = label;
        calendar.Of(end, &s2, &e2, &label);
        ASSERT_EQ(s2, end) << zone << " after " << previous;
        ASSERT_NE(label, previous) << zone;
        start = s2;
        end = e2;
      }
    }
  }
}

class TimelineOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = testing::OpenOrDie(dir_.path()); }

  void Add(const std::string& id, int64_t micros) {
    ASSERT_TRUE(db_->Put(WriteOptions(), testing::MakeArticle(id, "S", micros)).ok());
  }

  std::vector<TimelineEntry> Get(const TimelineOptions& options, const Filter& filter = {}) {
    std::vector<TimelineEntry> tl;
    Status s = db_->Timeline(filter, options, &tl);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return tl;
  }

  static std::string Show(const std::vector<TimelineEntry>& tl) {
    std::string out;
    for (const TimelineEntry& e : tl) out += e.label + "=" + std::to_string(e.count) + " ";
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Archive> db_;
};

TEST_F(TimelineOptionsTest, ArticleAt2330UtcCountsOnTheNextParisDay) {
  Add("a", T("2024-05-01T21:59:59Z"));  // 23:59:59 CEST
  Add("b", T("2024-05-01T23:30:00Z"));  // 01:30 CEST on May 2
  TimelineOptions paris;
  paris.time_zone = "Europe/Paris";
  std::vector<TimelineEntry> tl = Get(paris);
  ASSERT_EQ(Show(tl), "2024-05-01=1 2024-05-02=1 ");
  EXPECT_EQ(tl[0].start_micros, T("2024-04-30T22:00:00Z"));
  EXPECT_EQ(tl[1].start_micros, T("2024-05-01T22:00:00Z"));
  EXPECT_EQ(Show(Get(TimelineOptions())), "2024-05-01=2 ");
}

TEST_F(TimelineOptionsTest, UnknownTimeZoneIsInvalidArgumentNamingIt) {
  Add("a", T("2024-05-01T00:00:00Z"));
  TimelineOptions options;
  options.time_zone = "Europe/Atlantis";
  std::vector<TimelineEntry> tl(1);
  Status s = db_->Timeline(Filter(), options, &tl);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("Europe/Atlantis"), std::string::npos) << s.ToString();
  EXPECT_TRUE(tl.empty());
}

TEST_F(TimelineOptionsTest, ZeroFillWithoutBoundsSpansFirstToLastNonEmptyBucket) {
  Add("a", T("2024-05-02T10:00:00Z"));
  Add("b", T("2024-05-05T10:00:00Z"));
  Add("c", T("2024-05-05T11:00:00Z"));
  TimelineOptions options;
  options.zero_fill = true;
  std::vector<TimelineEntry> tl = Get(options);
  ASSERT_EQ(Show(tl), "2024-05-02=1 2024-05-03=0 2024-05-04=0 2024-05-05=2 ");
  for (size_t i = 0; i < tl.size(); ++i) {
    EXPECT_EQ(tl[i].start_micros, T("2024-05-02T00:00:00Z") + static_cast<int64_t>(i) * kMicrosPerDay);
  }
  options.zero_fill = false;
  EXPECT_EQ(Show(Get(options)), "2024-05-02=1 2024-05-05=2 ");
}

TEST_F(TimelineOptionsTest, ZeroFillWithBoundsSpansTheFilterRange) {
  Add("a", T("2024-05-02T10:00:00Z"));
  TimelineOptions options;
  options.zero_fill = true;
  Filter f;
  f.from_micros = T("2024-04-30T12:00:00Z");
  f.to_micros = T("2024-05-04T00:00:00Z");  // exclusive: May 4 is not listed
  EXPECT_EQ(Show(Get(options, f)), "2024-04-30=0 2024-05-01=0 2024-05-02=1 2024-05-03=0 ");
  f.to_micros.reset();
  EXPECT_EQ(Show(Get(options, f)), "2024-04-30=0 2024-05-01=0 2024-05-02=1 ");
  f.from_micros.reset();
  f.to_micros = T("2024-05-04T00:00:01Z");
  EXPECT_EQ(Show(Get(options, f)), "2024-05-02=1 2024-05-03=0 2024-05-04=0 ");
  // A range with no article: every bucket of it, all zero.
  f.from_micros = T("2023-12-30T00:00:00Z");
  f.to_micros = T("2024-01-02T00:00:00Z");
  EXPECT_EQ(Show(Get(options, f)), "2023-12-30=0 2023-12-31=0 2024-01-01=0 ");
  options.bucket = Bucket::kMonth;
  EXPECT_EQ(Show(Get(options, f)), "2023-12=0 2024-01=0 ");
  // Without `to`, up to the last non-empty bucket.
  f.to_micros.reset();
  EXPECT_EQ(Show(Get(options, f)), "2023-12=0 2024-01=0 2024-02=0 2024-03=0 2024-04=0 2024-05=1 ");
  // An empty range lists nothing, and so does a missing bound with no matching article.
  f.to_micros = f.from_micros;
  EXPECT_EQ(Show(Get(options, f)), "");
  f.to_micros.reset();
  f.source = "nobody";
  EXPECT_EQ(Show(Get(options, f)), "");
}

TEST_F(TimelineOptionsTest, ZeroFillInParisAcrossDaylightSavingAndIsoWeeksAcrossYears) {
  Add("a", T("2024-03-30T12:00:00Z"));
  Add("b", T("2024-04-01T12:00:00Z"));
  TimelineOptions options;
  options.zero_fill = true;
  options.time_zone = "Europe/Paris";
  std::vector<TimelineEntry> tl = Get(options);
  ASSERT_EQ(Show(tl), "2024-03-30=1 2024-03-31=0 2024-04-01=1 ");
  EXPECT_EQ(tl[1].start_micros, T("2024-03-30T23:00:00Z"));
  EXPECT_EQ(tl[2].start_micros, T("2024-03-31T22:00:00Z"));

  options.time_zone.clear();
  options.bucket = Bucket::kWeek;
  Filter f;
  f.from_micros = T("2020-12-20T00:00:00Z");
  f.to_micros = T("2021-01-11T00:00:00Z");
  EXPECT_EQ(Show(Get(options, f)), "2020-W51=0 2020-W52=0 2020-W53=0 2021-W01=0 ");
}

TEST_F(TimelineOptionsTest, ZeroFillSkipsADayThatNeverHappened) {
  Add("a", T("2011-12-29T12:00:00Z"));  // 02:00 on the 29th in Apia
  Add("b", T("2011-12-31T12:00:00Z"));  // 02:00 on January 1st
  TimelineOptions options;
  options.zero_fill = true;
  options.time_zone = "Pacific/Apia";
  EXPECT_EQ(Show(Get(options)), "2011-12-29=1 2011-12-31=0 2012-01-01=1 ");
}

TEST_F(TimelineOptionsTest, ZeroFillOfUnboundedCountIsRefusedNotAllocated) {
  Add("a", T("2024-05-02T10:00:00Z"));
  TimelineOptions options;
  options.zero_fill = true;
  Filter f;
  f.from_micros = std::numeric_limits<int64_t>::min() + 1;
  f.to_micros = std::numeric_limits<int64_t>::max();
  std::vector<TimelineEntry> tl;
  Status s = db_->Timeline(f, options, &tl);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(tl.empty());
  // A range beyond the dates a record can hold has no bucket.
  f.from_micros = T("9999-12-31T23:59:59Z") + 2 * kMicrosPerSecond;
  EXPECT_EQ(Show(Get(options, f)), "");
  f.from_micros = std::numeric_limits<int64_t>::min() + 1;
  f.to_micros = T("0001-01-01T00:00:00Z");
  EXPECT_EQ(Show(Get(options, f)), "");
  f.to_micros = std::numeric_limits<int64_t>::max();
  // By year the whole range of dates fits: 0001 to 9999.
  options.bucket = Bucket::kYear;
  tl = Get(options, f);
  ASSERT_EQ(tl.size(), 9999u);
  EXPECT_EQ(tl.front().label, "0001");
  EXPECT_EQ(tl.back().label, "9999");
  EXPECT_EQ(tl[2023].label, "2024");
  EXPECT_EQ(tl[2023].count, 1u);
}

// Random articles from 1850 to 2150; each one's bucket label is computed with
// cctz::format from its own local time, independent of the bucket arithmetic.
TEST_F(TimelineOptionsTest, CountsAndBoundariesEqualAModelInSeveralZones) {
  std::mt19937_64 rng(20240501);
  std::uniform_int_distribution<int64_t> when(T("1850-01-01T00:00:00Z"), T("2150-01-01T00:00:00Z"));
  std::vector<int64_t> times;
  std::vector<Article> batch;
  for (int i = 0; i < 3000; ++i) {
    // Half the articles near the turn of a UTC day, where zones disagree on the date.
    int64_t t = when(rng);
    if (i % 2 == 0) t = t / kMicrosPerDay * kMicrosPerDay + (static_cast<int64_t>(rng() % 7201) - 3600) * kMicrosPerSecond;
    times.push_back(t);
    batch.push_back(testing::MakeArticle("a" + std::to_string(i), "S", t));
  }
  ASSERT_TRUE(db_->PutBatch(WriteOptions(), batch).ok());
  using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;
  auto seconds = [](int64_t micros) {
    int64_t s = micros / kMicrosPerSecond;
    if (micros % kMicrosPerSecond < 0) --s;
    return Seconds{std::chrono::seconds{s}};
  };
  for (const char* zone : {"", "Europe/Paris", "Asia/Kolkata", "America/St_Johns",
                           "Australia/Lord_Howe", "America/Sao_Paulo"}) {
    cctz::time_zone tz = cctz::utc_time_zone();
    if (*zone != '\0') {
      ASSERT_TRUE(cctz::load_time_zone(zone, &tz));
    }
    const std::pair<Bucket, const char*> units[] = {
        {Bucket::kDay, "%Y-%m-%d"}, {Bucket::kWeek, "%G-W%V"}, {Bucket::kMonth, "%Y-%m"},
        {Bucket::kYear, "%Y"}};
    for (const auto& [unit, format] : units) {
      std::map<std::string, uint64_t> want;
      for (int64_t t : times) ++want[cctz::format(format, seconds(t), tz)];
      TimelineOptions options;
      options.bucket = unit;
      options.time_zone = zone;
      std::vector<TimelineEntry> tl = Get(options);
      std::map<std::string, uint64_t> got;
      for (size_t i = 0; i < tl.size(); ++i) {
        const TimelineEntry& e = tl[i];
        got[e.label] = e.count;
        // The start is the first instant whose local time carries the label.
        EXPECT_EQ(cctz::format(format, seconds(e.start_micros), tz), e.label) << zone;
        EXPECT_NE(cctz::format(format, seconds(e.start_micros) - std::chrono::seconds{1}, tz),
                  e.label)
            << zone;
        if (i > 0) {
          EXPECT_LT(tl[i - 1].start_micros, e.start_micros) << zone;
        }
      }
      EXPECT_EQ(got, want) << zone << " " << format;
    }
  }
}

}  // namespace
}  // namespace articledb
