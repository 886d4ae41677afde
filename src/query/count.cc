// Counts, timelines and name lists (count.h).
#include "query/count.h"

#include <algorithm>
#include <memory>
#include <string>

#include "index/counters.h"
#include "query/buckets.h"
#include "query/filter.h"
#include "query/planner.h"
#include "store/keys.h"
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
  std::unique_ptr<PostingIterator> matcher;
  if (Status s = Plan(view, nf, Order::kOldestFirst, std::nullopt, &matcher); !s.ok()) {
    return s;
  }
  TimelineBuilder builder(calendar);
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
  // Date range: the first and last dated entries of the date index.
  rocksdb::ReadOptions ro = view.options();
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kIndex)));
  std::string k(1, keys::kDate);
  keys::AppendTime(&k, keys::kUndated + 1);
  it->Seek(k);
  if (it->Valid() && it->key().size() == 1 + keys::kPositionBytes && it->key()[0] == keys::kDate) {
    stats->oldest_micros = keys::DecodeTime(it->key().data() + 1);
    it->SeekForPrev(keys::PrefixSuccessor(std::string(1, keys::kDate)));
    if (it->Valid() && it->key().size() == 1 + keys::kPositionBytes) {
      stats->newest_micros = keys::DecodeTime(it->key().data() + 1);
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index");
  return Status::OK();
}

}  // namespace articledb::query
