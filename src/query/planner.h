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

// The operator tree answering `nf` in `view` in `order`, from right after `after` (a
// cursor's position) when given.
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_PLANNER_H_
