// A query's filter after normalisation (names folded to index prefixes, the time range
// checked), and its fingerprint, which cursors carry.
#ifndef ARTICLEDB_SRC_QUERY_FILTER_H_
#define ARTICLEDB_SRC_QUERY_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "articledb/query.h"
#include "store/keys.h"

namespace articledb::query {

// Orders streams' names, queries' fingerprints: the filter after normalisation.
struct NormalFilter {
  int64_t lo = keys::kUndated;  // inclusive
  std::optional<int64_t> hi;    // exclusive
  bool bounded = false;
  std::vector<std::string> prefixes;  // index prefixes of names; empty: the date index
};

Status Normalize(const Filter& f, NormalFilter* out);
uint64_t Fingerprint(const NormalFilter& f, Order order);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_FILTER_H_
