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

// The intersection answering `nf` in `view`, positioned after `after`.
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher);

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_PLANNER_H_
