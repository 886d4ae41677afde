// The planner (planner.h).
#include "query/planner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "index/counters.h"
#include "query/operators.h"
#include "query/text_filter.h"
#include "query/text_plan.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

PlannerLimits& MutablePlannerLimitsForTesting() {
  static PlannerLimits limits;
  return limits;
}

// The tree: AND of every name all matches carry and of an OR per any-of list (the AND
// leads with its cheapest child: costs are the names' counters, an OR's the sum of its
// names'), then AND-NOT the OR of the excluded names, within the time range, from after
// the cursor. Without a positive name, the date index (every article) is the positive
// side. Counters are read only when there is something to order. A text query filters
// what that tree gives (query/text_filter.h).
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher) {
  const Direction dir = order == Order::kOldestFirst ? Direction::kForward : Direction::kBackward;
  const bool forward = dir == Direction::kForward;
  if (nf.hi && *nf.hi <= nf.lo) {  // an empty range
    *matcher = std::make_unique<EmptyIterator>();
    return Status::OK();
  }
  // The positive side: groups of alternatives (a name is a group of one), ANDed.
  std::vector<std::vector<std::string>> groups;
  for (const std::string& p : nf.prefixes) groups.push_back({p});
  for (const auto& group : nf.any_of) groups.push_back(group);
  if (groups.empty()) groups.push_back({std::string(1, keys::kDate)});

  // Where the blocks come from: the range's buckets, the lead's buckets, or walked.
  std::vector<uint32_t> buckets = RangeBuckets(nf, MutablePlannerLimitsForTesting().fetch_buckets);
  bool fetch = !buckets.empty();
  std::vector<uint64_t> group_cost(groups.size(), 0);
  std::vector<std::vector<uint64_t>> alt_cost(groups.size());
  std::vector<std::vector<std::vector<FetchedBlock>>> lead_blocks;  // [group][alt]
  size_t lead = groups.size();  // the group read ahead as the lead, when one is
  if (!fetch && (groups.size() > 1 || !nf.none_of.empty())) {
    for (size_t g = 0; g < groups.size(); ++g) {
      for (const std::string& p : groups[g]) {
        int64_t n = 0;
        if (Status s = counters::Read(view, p, &n); !s.ok()) return s;
        alt_cost[g].push_back(static_cast<uint64_t>(std::max<int64_t>(n, 0)));
        group_cost[g] += alt_cost[g].back();
      }
    }
    lead = static_cast<size_t>(std::min_element(group_cost.begin(), group_cost.end()) -
                               group_cost.begin());
    const int64_t scan = MutablePlannerLimitsForTesting().lead_scan_postings;
    if (scan >= 0 && group_cost[lead] <= static_cast<uint64_t>(scan)) {
      std::vector<std::vector<FetchedBlock>> alts(groups[lead].size());
      for (size_t a = 0; a < groups[lead].size(); ++a) {
        if (Status s = ScanBlocks(view, groups[lead][a], nf, &alts[a]); !s.ok()) return s;
        for (const FetchedBlock& b : alts[a]) buckets.push_back(b.bucket);
      }
      std::sort(buckets.begin(), buckets.end());
      buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
      lead_blocks.resize(groups.size());
      lead_blocks[lead] = std::move(alts);
      fetch = true;
    } else {
      lead = groups.size();
    }
  }
  auto leaf = [&](const std::string& prefix, uint64_t cost, std::vector<FetchedBlock>* ahead,
                  IteratorPtr* out) -> Status {
    if (ahead != nullptr) {
      *out = std::make_unique<IndexLeaf>(view, prefix, nf, forward, std::move(*ahead));
    } else if (fetch) {
      std::vector<FetchedBlock> blocks;
      if (Status s = FetchBlocks(view, prefix, buckets, &blocks); !s.ok()) return s;
      *out = std::make_unique<IndexLeaf>(view, prefix, nf, forward, std::move(blocks));
    } else {
      *out = std::make_unique<IndexLeaf>(view, prefix, nf, forward, cost);
    }
    return out->get()->status();
  };
  std::vector<IteratorPtr> positives;
  // The text query's lists (text_plan.h), when the archive has a text index: one more
  // positive side, in place of the date index when there is no other.
  bool text_exact = false;
  if (nf.text && view.store().text_index()) {
    IteratorPtr text_tree;
    TextLeafFn text_leaf = [&](const std::string& prefix, uint64_t cost, IteratorPtr* out) {
      return leaf(prefix, cost, nullptr, out);
    };
    if (Status s = PlanText(view, *nf.text, dir, text_leaf, &text_tree, &text_exact); !s.ok()) {
      return s;
    }
    if (text_tree != nullptr) {
      if (nf.prefixes.empty() && nf.any_of.empty()) groups.clear();  // drop the date leaf
      positives.push_back(std::move(text_tree));
    } else {
      text_exact = false;
    }
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<IteratorPtr> alternatives;
    for (size_t a = 0; a < groups[g].size(); ++a) {
      IteratorPtr it;
      std::vector<FetchedBlock>* ahead = g == lead ? &lead_blocks[g][a] : nullptr;
      const uint64_t cost = alt_cost[g].empty() ? 0 : alt_cost[g][a];
      if (Status s = leaf(groups[g][a], cost, ahead, &it); !s.ok()) return s;
      alternatives.push_back(std::move(it));
    }
    if (alternatives.size() == 1) {
      positives.push_back(std::move(alternatives[0]));
    } else {
      positives.push_back(std::make_unique<OrIterator>(std::move(alternatives), dir));
    }
  }
  IteratorPtr root;
  if (positives.size() == 1) {
    root = std::move(positives[0]);
  } else {
    root = std::make_unique<AndIterator>(std::move(positives), dir);
  }
  if (!nf.none_of.empty()) {
    std::vector<IteratorPtr> excluded;
    for (const std::string& p : nf.none_of) {
      IteratorPtr it;
      if (Status s = leaf(p, 0, nullptr, &it); !s.ok()) return s;
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
  // The text query last, unless its lists answered it exactly: it reads a record per
  // position the rest of the tree gives.
  if (nf.text && !text_exact) root = NewTextFilter(view, std::move(root), nf.text);
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
