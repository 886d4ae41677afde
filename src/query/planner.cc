// The planner (planner.h).
#include "query/planner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "index/counters.h"
#include "query/intersection.h"
#include "store/keys.h"
#include "store/store.h"

namespace articledb::query {

// Builds the intersection of a filter's streams, the most selective first. A name with
// kProbeRatio times more articles than the rarest is probed rather than walked: walking
// it costs a seek per candidate, probing a Bloom filter check.
Status Plan(const store::ReadView& view, const NormalFilter& nf, Order order,
            const std::optional<Pos>& after, std::unique_ptr<PostingIterator>* matcher) {
  constexpr int64_t kProbeRatio = 8;
  std::vector<std::pair<int64_t, std::string>> ranked;
  if (nf.prefixes.empty()) {
    ranked.emplace_back(0, std::string(1, keys::kDate));
  }
  for (const std::string& p : nf.prefixes) {
    int64_t count = 0;
    // One stream has nothing to be ranked against: no counter read.
    if (nf.prefixes.size() > 1) {
      if (Status s = counters::Read(view, p, &count); !s.ok()) return s;
    }
    ranked.emplace_back(count, p);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::unique_ptr<PostingIterator>> streams;
  Probes probes{&view, {}};
  const bool forward = order == Order::kOldestFirst;
  for (auto& [count, prefix] : ranked) {
    if (!streams.empty() && count >= kProbeRatio * std::max<int64_t>(ranked[0].first, 1)) {
      probes.prefixes.push_back(std::move(prefix));
    } else {
      const auto cost = static_cast<uint64_t>(std::max<int64_t>(count, 0));
      streams.push_back(std::make_unique<IndexLeaf>(view, prefix, nf, forward, cost));
    }
  }
  *matcher = std::make_unique<AndIterator>(std::move(streams), std::move(probes), nf, order, after);
  return Status::OK();
}

}  // namespace articledb::query
