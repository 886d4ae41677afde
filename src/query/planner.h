// The planner: a normalised filter -> the operator tree answering it, its streams ordered
// by their counted cost.
#ifndef ARTICLEDB_SRC_QUERY_PLANNER_H_
#define ARTICLEDB_SRC_QUERY_PLANNER_H_

#include <memory>
#include <optional>

#include "articledb/query.h"
#include "query/filter.h"
#include "query/postings.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

// How the planner reads posting blocks (postings.h):
//  - a time range of at most `fetch_buckets` months: every stream's blocks of those
//    months, read ahead with one MultiGet per stream (no iterator, exact costs, no
//    counter read);
//  - else an AND (or AND-NOT) whose cheapest positive side has at most
//    `lead_scan_postings` postings (counted): that side's blocks are read ahead with one
//    scan, and the other streams' blocks only in the months it has postings in (no match
//    can be elsewhere), one MultiGet per stream; negative: never;
//  - else every stream is walked (point lookups, then an iterator).
struct PlannerLimits {
  size_t fetch_buckets = 4;
  int64_t lead_scan_postings = 4096;
};
// The limits in force. Tests change them to reach every way of reading blocks; nothing
// else does (they are not synchronised).
PlannerLimits& MutablePlannerLimitsForTesting();

// The operator tree answering `nf` in `view` in `order`, from right after `after` (a
// cursor's position) when given.
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_PLANNER_H_
