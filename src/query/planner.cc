// The planner (planner.h).
#include "query/planner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "index/counters.h"
#include "query/operators.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

// The tree: AND of every name all matches carry and of an OR per any-of list (the AND
// leads with its cheapest child: costs are the names' counters, an OR's the sum of its
// names'), then AND-NOT the OR of the excluded names, within the time range, from after
// the cursor. Without a positive name, the date index (every article) is the positive
// side. Counters are read only when there is something to order.
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher) {
  const Direction dir = order == Order::kOldestFirst ? Direction::kForward : Direction::kBackward;
  const bool forward = dir == Direction::kForward;
  if (nf.hi && *nf.hi <= nf.lo) {  // an empty range
    *matcher = std::make_unique<EmptyIterator>();
    return Status::OK();
  }
  size_t positive_leaves = nf.prefixes.size();
  for (const auto& group : nf.any_of) positive_leaves += group.size();
  const bool rank = positive_leaves > 1;
  auto leaf = [&](const std::string& prefix, bool count, IteratorPtr* out) -> Status {
    int64_t n = 0;
    if (count) {
      if (Status s = counters::Read(view, prefix, &n); !s.ok()) return s;
    }
    *out = std::make_unique<IndexLeaf>(view, prefix, nf, forward,
                                       static_cast<uint64_t>(std::max<int64_t>(n, 0)));
    return Status::OK();
  };
  std::vector<IteratorPtr> positives;
  for (const std::string& p : nf.prefixes) {
    IteratorPtr it;
    if (Status s = leaf(p, rank, &it); !s.ok()) return s;
    positives.push_back(std::move(it));
  }
  for (const auto& group : nf.any_of) {
    std::vector<IteratorPtr> alternatives;
    for (const std::string& p : group) {
      IteratorPtr it;
      if (Status s = leaf(p, rank, &it); !s.ok()) return s;
      alternatives.push_back(std::move(it));
    }
    positives.push_back(std::make_unique<OrIterator>(std::move(alternatives), dir));
  }
  IteratorPtr root;
  if (positives.empty()) {
    if (Status s = leaf(std::string(1, keys::kDate), false, &root); !s.ok()) return s;
  } else if (positives.size() == 1) {
    root = std::move(positives[0]);
  } else {
    root = std::make_unique<AndIterator>(std::move(positives), dir);
  }
  if (!nf.none_of.empty()) {
    std::vector<IteratorPtr> excluded;
    for (const std::string& p : nf.none_of) {
      IteratorPtr it;
      if (Status s = leaf(p, false, &it); !s.ok()) return s;
      excluded.push_back(std::move(it));
    }
    IteratorPtr negative = excluded.size() == 1
                               ? std::move(excluded[0])
                               : std::make_unique<OrIterator>(std::move(excluded), dir);
    root = std::make_unique<AndNotIterator>(std::move(root), std::move(negative), dir);
  }
  // The leaves hold the range already; the operator makes it exact whatever leaf is used.
  if (nf.lo != keys::kUndated || nf.hi) {
    root = std::make_unique<TimeRangeIterator>(std::move(root), nf.lo, nf.hi, dir);
  }
  if (after) {
    const std::optional<Pos> start = After(*after, dir);
    if (!start) {
      root = std::make_unique<EmptyIterator>();
    } else {
      root = std::make_unique<StartAtIterator>(std::move(root), *start, dir);
    }
  }
  *matcher = std::move(root);
  return Status::OK();
}

}  // namespace articledb::query
