// Buckets of time for timelines: days, ISO 8601 weeks, months and years of the civil
// calendar of a time zone (UTC or an IANA zone read from the system's tzdata by cctz),
// and the timeline built from a stream of times. Internal.
#ifndef ARTICLEDB_SRC_QUERY_BUCKETS_H_
#define ARTICLEDB_SRC_QUERY_BUCKETS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cctz/time_zone.h>

#include "articledb/query.h"
#include "articledb/status.h"

namespace articledb {

// Cuts time (microseconds since the Unix epoch) into buckets of one unit in one zone.
// A bucket runs from the first instant of its first local day to the first instant of
// the next bucket's: a Europe/Paris day lasts 23 hours on 2024-03-31 and 25 hours on
// 2024-10-27. A local day whose midnight does not exist (a daylight-saving jump at
// midnight) starts at the jump; a day that does not exist at all (Pacific/Apia,
// 2011-12-30) is no bucket. Copyable, cheap; safe to share between threads.
class BucketCalendar {
 public:
  // UTC days.
  BucketCalendar() = default;

  // `time_zone`: an IANA name ("Europe/Paris"); empty means UTC. An unknown name is
  // InvalidArgument naming it.
  static Status Make(Bucket unit, std::string_view time_zone, BucketCalendar* out);

  Bucket unit() const { return unit_; }

  // The bucket holding `micros`: its first microsecond and the first microsecond of the
  // next bucket (*end > *start), and when `label` is not null its label: "2024-05-01",
  // "2024-W18" (ISO week-numbering year and week), "2024-05" or "2024", in local time.
  // The next bucket is Of(*end).
  void Of(int64_t micros, int64_t* start, int64_t* end, std::string* label) const;

 private:
  // Local calendar day (days since 1970-01-01) holding `micros`.
  int64_t LocalDay(int64_t micros) const;
  // First microsecond of local day `day`.
  int64_t DayStart(int64_t day) const;

  Bucket unit_ = Bucket::kDay;
  bool utc_ = true;
  cctz::time_zone zone_;
};

// Counts ascending times into timeline entries, one bucket at a time: a time costs one
// comparison unless it opens a new bucket.
class TimelineBuilder {
 public:
  explicit TimelineBuilder(const BucketCalendar& calendar) : calendar_(calendar) {}

  // Times must come in ascending order.
  void Add(int64_t micros) {
    if (micros >= end_) Open(micros);
    ++entries_.back().count;
  }

  // At most this many entries with zero fill (2,700 years of days); beyond it Finish
  // fails with InvalidArgument rather than allocate without bound.
  static constexpr uint64_t kMaxZeroFilled = 1000000;

  // Moves the non-empty buckets to `entries`, oldest first. With `zero_fill`, every
  // bucket from the one holding `from` (else the first non-empty one) to the one holding
  // the last microsecond before `to` (else the last non-empty one) is listed, empty ones
  // with count 0; a missing bound with no article at all lists nothing.
  Status Finish(bool zero_fill, std::optional<int64_t> from, std::optional<int64_t> to,
                std::vector<TimelineEntry>* entries);

 private:
  void Open(int64_t micros);

  BucketCalendar calendar_;
  int64_t end_ = std::numeric_limits<int64_t>::min();
  std::vector<TimelineEntry> entries_;
};

}  // namespace articledb

#endif  // ARTICLEDB_SRC_QUERY_BUCKETS_H_
