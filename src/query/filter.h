// A query's filter after normalisation (names folded to index prefixes, the time range
// checked), and its fingerprint, which cursors carry.
#ifndef ARTICLEDB_SRC_QUERY_FILTER_H_
#define ARTICLEDB_SRC_QUERY_FILTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "articledb/query.h"
#include "store/keys.h"
#include "text/query_parser.h"

namespace articledb::query {

// Orders streams' names, queries' fingerprints: the filter after normalisation. Names are
// index prefixes (type + escaped normalised name), sorted and distinct in each list.
struct NormalFilter {
  int64_t lo = keys::kUndated;  // inclusive
  std::optional<int64_t> hi;    // exclusive
  bool bounded = false;
  // Names every match carries: entities, topics, authors, and a source or language or
  // any-entity list of one name. Empty with any_of empty: every article (the date index).
  std::vector<std::string> prefixes;
  // Lists of two names or more of which a match carries at least one: sources,
  // languages, any_entities.
  std::vector<std::vector<std::string>> any_of;
  // Names no match carries: not_entities.
  std::vector<std::string> none_of;
  // Filter::text parsed, or null; `text_canon` its canonical form (text::ToString).
  std::shared_ptr<const text::QueryNode> text;
  std::string text_canon;
  // Only `prefixes`, at most one of them, and no time range: counted by one counter.
  bool single() const { return !bounded && one_stream(); }
  // At most one name and nothing else but a time range: one stream, whose per-day
  // counters answer counts and UTC timelines.
  bool one_stream() const {
    return prefixes.size() <= 1 && any_of.empty() && none_of.empty() && !text;
  }
};

Status Normalize(const Filter& f, NormalFilter* out);
uint64_t Fingerprint(const NormalFilter& f, Order order);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_FILTER_H_
