// Counts, timelines and name lists (count.h).
#include "query/count.h"

#include <algorithm>
#include <memory>
#include <string>

#include "index/counters.h"
#include "index/posting_block.h"
#include "query/buckets.h"
#include "query/day_counts.h"
#include "query/filter.h"
#include "query/planner.h"
#include "store/keys.h"
#include "query/text_plan.h"
#include "store/store.h"
#include "time_util.h"

namespace articledb::query {

using store::FromRocks;
using store::ToView;

Status Count(store::ReadView& view, const Filter& filter, uint64_t* count) {
  *count = 0;
  if (Status s = view.Begin(); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  // Whole-name counts come from the counters, kept in step with the index.
  if (nf.single()) {
    int64_t v = 0;
    const std::string key =
        nf.prefixes.empty() ? std::string(keys::kArticlesCounter) : nf.prefixes[0];
    if (Status s = counters::Read(view, key, &v); !s.ok()) return s;
    *count = v > 0 ? static_cast<uint64_t>(v) : 0;
    return Status::OK();
  }
  // One stream over a time range: its day counters, and postings at the edges only.
  if (nf.one_stream()) {
    return CountRange(view, nf.prefixes.empty() ? std::string(1, keys::kDate) : nf.prefixes[0],
                      nf.lo, nf.hi, count);
  }
  // One word and nothing else: its terms' document frequencies.
  if (nf.text && nf.prefixes.empty() && nf.any_of.empty() && nf.none_of.empty() &&
      nf.lo == keys::kUndated && !nf.hi && view.store().text_index()) {
    bool done = false;
    if (Status s = CountByFrequencies(view, *nf.text, &done, count); !s.ok() || done) return s;
  }
  std::unique_ptr<PostingIterator> matcher;
  if (Status s = Plan(view, nf, Order::kOldestFirst, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  uint64_t n = 0;
  while (matcher->Next()) ++n;
  if (!matcher->status().ok()) return matcher->status();
  *count = n;
  return Status::OK();
}

Status Timeline(store::ReadView& view, const Filter& filter, const TimelineOptions& options,
                std::vector<TimelineEntry>* entries) {
  entries->clear();
  BucketCalendar calendar;
  if (Status s = BucketCalendar::Make(options.bucket, options.time_zone, &calendar); !s.ok()) {
    return s;
  }
  if (Status s = view.Begin(); !s.ok()) return s;
  NormalFilter nf;
  if (Status s = Normalize(filter, &nf); !s.ok()) return s;
  nf.lo = std::max(nf.lo, keys::kUndated + 1);  // undated articles have no bucket
  TimelineBuilder builder(calendar);
  // One stream in UTC: days from the day counters (one key per day), grouped into buckets
  // (every UTC bucket is a union of UTC days). Zones whose days are not UTC days walk
  // the postings.
  if (nf.one_stream() && calendar.utc()) {
    Status s = ForEachDayCount(
        view, nf.prefixes.empty() ? std::string(1, keys::kDate) : nf.prefixes[0], nf.lo, nf.hi,
        [&](int64_t day, uint64_t n) { builder.Add(day, n); });
    if (!s.ok()) return s;
    return builder.Finish(options.zero_fill, filter.from_micros, filter.to_micros, entries);
  }
  std::unique_ptr<PostingIterator> matcher;
  if (Status s = Plan(view, nf, Order::kOldestFirst, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  while (matcher->Next()) builder.Add(matcher->pos().time);
  if (!matcher->status().ok()) return matcher->status();
  return builder.Finish(options.zero_fill, filter.from_micros, filter.to_micros, entries);
}

Status ListNames(const store::ReadView& view, const std::string& key_prefix, size_t limit,
                 std::vector<NameCount>* out) {
  out->clear();
  rocksdb::ReadOptions ro = view.options();
  const std::string upper = keys::PrefixSuccessor(key_prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kCounters)));
  for (it->Seek(key_prefix); it->Valid(); it->Next()) {
    int64_t count = 0;
    std::string_view name;
    if (!counters::Decode(ToView(it->value()), &count, &name)) {
      return Status::Corruption("counter value is damaged");
    }
    if (count > 0) out->push_back(NameCount{std::string(name), static_cast<uint64_t>(count)});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading counters");
  auto most_first = [](const NameCount& a, const NameCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  };
  if (limit > 0 && limit < out->size()) {
    std::partial_sort(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(limit), out->end(),
                      most_first);
    out->resize(limit);
  } else {
    std::sort(out->begin(), out->end(), most_first);
  }
  return Status::OK();
}

Status DateRange(const store::ReadView& view, Stats* stats) {
  // Date range: the first and last postings of the dated blocks of the date index.
  rocksdb::ReadOptions ro = view.options();
  ro.total_order_seek = true;
  const std::string lower = keys::BlockKey(std::string(1, keys::kDate), keys::kUndatedBucket + 1);
  const std::string upper = keys::PrefixSuccessor(std::string(1, keys::kDate));
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  index::BlockReader reader;
  std::vector<index::Posting> chunk;
  auto damaged = [&] {
    return Status::Corruption("index block " + keys::DescribeBlockKey(ToView(it->key())) +
                              ": damaged (run verify, then reindex)");
  };
  // Empty blocks (every posting removed, not yet compacted away) are skipped.
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!reader.Init(ToView(it->value()))) return damaged();
    if (reader.size() == 0) continue;
    stats->oldest_micros = reader.chunk_first(0).time;
    break;
  }
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    if (!reader.Init(ToView(it->value()))) return damaged();
    if (reader.size() == 0) continue;
    if (!reader.DecodeChunk(reader.chunk_count() - 1, &chunk)) return damaged();
    stats->newest_micros = chunk.back().time;
    break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  return Status::OK();
}

}  // namespace articledb::query
