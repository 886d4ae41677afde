#include "query/buckets.h"

#include <charconv>
#include <chrono>
#include <cstring>
#include <utility>

#include <cctz/civil_time.h>

#include "time_util.h"

namespace articledb {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

year_month_day Civil(int64_t day) { return year_month_day{sys_days{days{day}}}; }

int64_t DayNumber(const year_month_day& ymd) {
  return static_cast<int64_t>(sys_days{ymd}.time_since_epoch().count());
}

// The local days of one bucket: [first, next).
struct Days {
  int64_t first;
  int64_t next;
};

Days BucketDays(Bucket unit, int64_t day) {
  switch (unit) {
    case Bucket::kDay:
      return {day, day + 1};
    case Bucket::kWeek: {
      const std::chrono::weekday wd{sys_days{days{day}}};
      const int64_t monday = day - static_cast<int64_t>(wd.iso_encoding() - 1);
      return {monday, monday + 7};
    }
    case Bucket::kMonth: {
      const year_month_day ymd = Civil(day);
      const std::chrono::year_month first{ymd.year(), ymd.month()};
      const std::chrono::year_month next = first + std::chrono::months{1};
      return {DayNumber(first / std::chrono::day{1}), DayNumber(next / std::chrono::day{1})};
    }
    case Bucket::kYear: {
      const std::chrono::year y = Civil(day).year();
      return {DayNumber(y / std::chrono::January / 1),
              DayNumber((y + std::chrono::years{1}) / std::chrono::January / 1)};
    }
  }
  return {day, day + 1};
}

// At least four digits, zero-padded ("0987", "2024", "10000").
char* PutYear(char* p, int year) {
  if (year < 0) {
    *p++ = '-';
    year = -year;
  }
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, year);
  const size_t n = static_cast<size_t>(end - digits);
  for (size_t i = n; i < 4; ++i) *p++ = '0';
  std::memcpy(p, digits, n);
  return p + n;
}

char* Put2(char* p, unsigned v) {
  *p++ = static_cast<char>('0' + v / 10 % 10);
  *p++ = static_cast<char>('0' + v % 10);
  return p;
}

void Label(Bucket unit, int64_t first_day, std::string* label) {
  char buf[32];
  char* p = buf;
  const year_month_day ymd = Civil(first_day);
  switch (unit) {
    case Bucket::kDay:
      p = PutYear(p, static_cast<int>(ymd.year()));
      *p++ = '-';
      p = Put2(p, static_cast<unsigned>(ymd.month()));
      *p++ = '-';
      p = Put2(p, static_cast<unsigned>(ymd.day()));
      break;
    case Bucket::kWeek: {
      // ISO 8601: a week (Monday first) belongs to the year of its Thursday.
      const int64_t thursday = first_day + 3;
      const std::chrono::year y = Civil(thursday).year();
      const int64_t week = (thursday - DayNumber(y / std::chrono::January / 1)) / 7 + 1;
      p = PutYear(p, static_cast<int>(y));
      *p++ = '-';
      *p++ = 'W';
      p = Put2(p, static_cast<unsigned>(week));
      break;
    }
    case Bucket::kMonth:
      p = PutYear(p, static_cast<int>(ymd.year()));
      *p++ = '-';
      p = Put2(p, static_cast<unsigned>(ymd.month()));
      break;
    case Bucket::kYear:
      p = PutYear(p, static_cast<int>(ymd.year()));
      break;
  }
  label->assign(buf, static_cast<size_t>(p - buf));
}

const cctz::civil_day kEpochDay(1970, 1, 1);

using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// The first and last microseconds a record's time can hold: 0001-01-01T00:00:00Z and
// 9999-12-31T23:59:59.999999Z.
constexpr int64_t kLo = kMinTimestampSeconds * kMicrosPerSecond;
constexpr int64_t kHi = (kMaxTimestampSeconds + 1) * kMicrosPerSecond - 1;

// Times outside [kLo, kHi] are moved inside it.
int64_t Clamp(int64_t micros) { return micros < kLo ? kLo : micros > kHi ? kHi : micros; }

Status TooMany() {
  return Status::InvalidArgument("timeline: zero fill would list more than " +
                                 std::to_string(TimelineBuilder::kMaxZeroFilled) +
                                 " buckets; narrow the time range or use a larger bucket");
}

}  // namespace

Status BucketCalendar::Make(Bucket unit, std::string_view time_zone, BucketCalendar* out) {
  BucketCalendar c;
  c.unit_ = unit;
  if (!time_zone.empty()) {
    if (!cctz::load_time_zone(std::string(time_zone), &c.zone_)) {
      return Status::InvalidArgument("time zone '" + std::string(time_zone) +
                                     "': unknown (expected an IANA name such as "
                                     "Europe/Paris, from the system's tzdata)");
    }
    c.utc_ = c.zone_ == cctz::utc_time_zone();
  }
  *out = std::move(c);
  return Status::OK();
}

int64_t BucketCalendar::LocalDay(int64_t micros) const {
  if (utc_) return FloorDiv(micros, kMicrosPerDay);
  const Seconds tp{std::chrono::seconds{FloorDiv(micros, kMicrosPerSecond)}};
  return cctz::civil_day(cctz::convert(tp, zone_)) - kEpochDay;
}

int64_t BucketCalendar::DayStart(int64_t day) const {
  if (utc_) return day * kMicrosPerDay;
  const cctz::time_zone::civil_lookup lookup =
      zone_.lookup(cctz::civil_second(kEpochDay + day));
  // A midnight that never happened: the day starts at the jump. A midnight that happened
  // twice: at the first.
  const Seconds tp =
      lookup.kind == cctz::time_zone::civil_lookup::SKIPPED ? lookup.trans : lookup.pre;
  return static_cast<int64_t>(tp.time_since_epoch().count()) * kMicrosPerSecond;
}

void BucketCalendar::Of(int64_t micros, int64_t* start, int64_t* end, std::string* label) const {
  micros = Clamp(micros);
  Days d = BucketDays(unit_, LocalDay(micros));
  *start = DayStart(d.first);
  *end = DayStart(d.next);
  if (!utc_) {
    // Buckets are the intervals between the starts of their first days. Where clocks go
    // back across midnight, an instant can carry the date of one day while lying after
    // the start of the next: it belongs to the interval that holds it.
    while (micros >= *end) {
      d = BucketDays(unit_, d.next);
      *start = DayStart(d.first);
      *end = DayStart(d.next);
    }
    while (micros < *start) {
      d = BucketDays(unit_, d.first - 1);
      *start = DayStart(d.first);
      *end = DayStart(d.next);
    }
  }
  if (label != nullptr) Label(unit_, d.first, label);
}

void TimelineBuilder::Open(int64_t micros) {
  TimelineEntry e;
  calendar_.Of(micros, &e.start_micros, &end_, &e.label);
  entries_.push_back(std::move(e));
}

Status TimelineBuilder::Finish(bool zero_fill, std::optional<int64_t> from,
                               std::optional<int64_t> to, std::vector<TimelineEntry>* entries) {
  entries->clear();
  if (!zero_fill) {
    *entries = std::move(entries_);
    entries_.clear();
    return Status::OK();
  }
  std::vector<TimelineEntry> counted = std::move(entries_);
  entries_.clear();
  if ((!from || !to) && counted.empty()) return Status::OK();
  if (from && to && *from >= *to) return Status::OK();
  // A range wholly outside the times a record can hold has no bucket.
  if ((from && *from > kHi) || (to && *to <= kLo)) return Status::OK();
  // A microsecond of the first bucket and one of the last.
  const int64_t lo = from ? Clamp(*from) : counted.front().start_micros;
  const int64_t hi = to ? Clamp(*to - 1) : counted.back().start_micros;
  if (lo > hi) return Status::OK();
  // Refuse at once a range sure to hold too many buckets (none lasts longer than these:
  // a day of a zone that moved its clocks back a whole day lasts 48 hours).
  constexpr int64_t kDay = kMicrosPerDay;
  const int64_t longest = calendar_.unit() == Bucket::kDay     ? 2 * kDay
                          : calendar_.unit() == Bucket::kWeek  ? 8 * kDay
                          : calendar_.unit() == Bucket::kMonth ? 33 * kDay
                                                               : 368 * kDay;
  if (static_cast<uint64_t>((hi - lo) / longest) > kMaxZeroFilled) return TooMany();
  size_t next_counted = 0;
  int64_t start, end;
  std::string label;
  calendar_.Of(lo, &start, &end, &label);
  for (;;) {
    if (entries->size() >= kMaxZeroFilled) {
      entries->clear();
      return TooMany();
    }
    TimelineEntry e;
    e.start_micros = start;
    if (next_counted < counted.size() && counted[next_counted].start_micros == start) {
      e = std::move(counted[next_counted++]);
    } else {
      e.label = label;
    }
    entries->push_back(std::move(e));
    if (end > hi) break;
    calendar_.Of(end, &start, &end, &label);
  }
  return Status::OK();
}

}  // namespace articledb
