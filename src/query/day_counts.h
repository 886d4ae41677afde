// Counts of one index stream (a name, or every article) over a time range, from the
// per-UTC-day counters ('#' | index prefix | day, docs/storage.md) for the whole days it
// covers and from the postings for the parts of days at its edges: one counter key per
// day instead of one posting per article.
#ifndef ARTICLEDB_SRC_QUERY_DAY_COUNTS_H_
#define ARTICLEDB_SRC_QUERY_DAY_COUNTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "articledb/status.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

// Calls fn(first microsecond of the UTC day, articles of the day within [lo, hi)) for each
// day with articles of `prefix` ("D": all) dated in [lo, hi), in ascending order. Undated
// articles are never counted. `view` must have begun.
Status ForEachDayCount(const store::ReadView& view, const std::string& prefix, int64_t lo,
                       std::optional<int64_t> hi,
                       const std::function<void(int64_t day_start, uint64_t count)>& fn);

// Articles of `prefix` in [lo, hi), undated ones included when lo is keys::kUndated (the
// size of the undated posting block). `view` must have begun.
Status CountRange(const store::ReadView& view, const std::string& prefix, int64_t lo,
                  std::optional<int64_t> hi, uint64_t* count);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_DAY_COUNTS_H_
