// Counts and timelines of a filter's matches, and the names of the counters.
#ifndef ARTICLEDB_SRC_QUERY_COUNT_H_
#define ARTICLEDB_SRC_QUERY_COUNT_H_

#include <string>
#include <vector>

#include "articledb/archive.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

// Each begins `view` (not yet begun) where its checks allow.
Status Count(store::ReadView& view, const Filter& filter, uint64_t* count);
Status Timeline(store::ReadView& view, const Filter& filter, const TimelineOptions& options,
                std::vector<TimelineEntry>* entries);

// The names counted under `key_prefix` with a count above 0, the most frequent first, at
// most `limit` of them (0: all). `view` must have begun.
Status ListNames(const store::ReadView& view, const std::string& key_prefix, size_t limit,
                 std::vector<NameCount>* out);

// The times of the oldest and newest dated articles (stats->oldest_micros, newest_micros;
// left as they are when there is none). `view` must have begun.
Status DateRange(const store::ReadView& view, Stats* stats);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_COUNT_H_
