// Counts from the per-day counters (day_counts.h).
#include "query/day_counts.h"

#include <algorithm>
#include <limits>
#include <memory>

#include "index/counters.h"
#include "index/posting_block.h"
#include "query/filter.h"
#include "query/postings.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

using store::FromRocks;
using store::ToSlice;
using store::ToView;

namespace {

// Walks the postings of [lo, hi): the edge of a range that cuts a day.
Status CountPostings(const store::ReadView& view, const std::string& prefix, int64_t lo,
                     int64_t hi, uint64_t* n) {
  *n = 0;
  NormalFilter nf;
  nf.lo = lo;
  nf.hi = hi;
  nf.bounded = true;
  IndexLeaf leaf(view, prefix, nf, /*forward=*/true, 0);
  while (leaf.Next()) ++*n;
  return leaf.status();
}

}  // namespace

Status ForEachDayCount(const store::ReadView& view, const std::string& prefix, int64_t lo,
                       std::optional<int64_t> hi,
                       const std::function<void(int64_t, uint64_t)>& fn) {
  lo = std::max(lo, keys::kUndated + 1);
  if (hi && *hi <= lo) return Status::OK();
  uint32_t first = keys::DayNumber(lo);
  // A first day cut by lo: its postings.
  if (keys::DayStart(first) < lo) {
    const int64_t end = keys::DayStart(first + 1);
    uint64_t n = 0;
    if (Status s = CountPostings(view, prefix, lo, hi ? std::min(*hi, end) : end, &n); !s.ok()) {
      return s;
    }
    if (n > 0) fn(keys::DayStart(first), n);
    if (hi && *hi <= end) return Status::OK();
    ++first;
  }
  // Whole days: [first, last), then a last day cut by hi.
  std::optional<uint32_t> last;
  if (hi) last = keys::DayNumber(*hi);
  const std::string lower = keys::DayCounterKey(prefix, first);
  const std::string upper = last ? keys::DayCounterKey(prefix, *last)
                                 : keys::PrefixSuccessor(std::string(1, keys::kDayCounterTag) + prefix);
  if (!last || *last > first) {
    rocksdb::ReadOptions ro = view.options();
    rocksdb::Slice upper_slice = ToSlice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(view.db()->NewIterator(ro, view.cf(store::kCounters)));
    const size_t key_size = 1 + prefix.size() + keys::kBucketBytes;
    for (it->Seek(ToSlice(lower)); it->Valid(); it->Next()) {
      const rocksdb::Slice k = it->key();
      int64_t count = 0;
      std::string_view name;
      if (k.size() != key_size || !counters::Decode(ToView(it->value()), &count, &name)) {
        return Status::Corruption("day counter of " + keys::DescribeIndexPrefix(prefix) +
                                  " is damaged (run verify, then reindex)");
      }
      if (count > 0) fn(keys::DayStart(keys::DecodeBucket(k.data() + 1 + prefix.size())),
                        static_cast<uint64_t>(count));
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading day counters");
  }
  if (last && keys::DayStart(*last) < *hi && *last >= first) {
    uint64_t n = 0;
    if (Status s = CountPostings(view, prefix, keys::DayStart(*last), *hi, &n); !s.ok()) return s;
    if (n > 0) fn(keys::DayStart(*last), n);
  }
  return Status::OK();
}

Status CountRange(const store::ReadView& view, const std::string& prefix, int64_t lo,
                  std::optional<int64_t> hi, uint64_t* count) {
  *count = 0;
  if (lo == keys::kUndated && (!hi || *hi > lo)) {
    std::string block;
    rocksdb::Status s = view.db()->Get(view.options(), view.cf(store::kIndex),
                                       keys::BlockKey(prefix, keys::kUndatedBucket), &block);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading index");
    if (s.ok()) {
      index::BlockReader reader;
      if (!reader.Init(block)) {
        return Status::Corruption("index block " +
                                  keys::DescribeBlockKey(keys::BlockKey(prefix, 0)) +
                                  ": damaged (run verify, then reindex)");
      }
      *count = reader.size();
    }
  }
  return ForEachDayCount(view, prefix, lo, hi, [count](int64_t, uint64_t n) { *count += n; });
}

}  // namespace articledb::query
