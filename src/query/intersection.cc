// The AND operator (intersection.h).
#include "query/intersection.h"

#include <algorithm>
#include <cstdint>

#include "store/keys.h"
#include "store/store.h"
#include "time_util.h"

namespace articledb::query {

AndIterator::AndIterator(std::vector<std::unique_ptr<PostingIterator>> streams, Probes probes,
                         const NormalFilter& f, Order order, const std::optional<Pos>& after)
    : streams_(std::move(streams)), probes_(std::move(probes)),
      forward_(order == Order::kOldestFirst) {
  const Pos lo{f.lo, 0};
  if (f.hi && *f.hi <= f.lo) {
    done_ = true;  // empty range
    return;
  }
  if (forward_) {
    target_ = lo;
    if (after) Advance(*after);
    if (target_ < lo) target_ = lo;
  } else {
    // Start at the latest time a record can carry: no key holds a later one.
    constexpr int64_t kLatest = (kMaxTimestampSeconds + 1) * 1000000 - 1;
    target_ = Pos{std::min(f.hi ? *f.hi - 1 : INT64_MAX, kLatest), UINT64_MAX};
    if (after && *after <= target_) Advance(*after);
  }
}

bool AndIterator::SeekTo(const Pos& target) {
  auto before = [this](const Pos& a, const Pos& b) { return forward_ ? a < b : a > b; };
  while (ready_at_ < ready_.size() && before(ready_[ready_at_], target)) ++ready_at_;
  if (ready_at_ == ready_.size() && before(target_, target)) target_ = target;
  while (Next()) {
    if (!before(pos_, target)) return true;
  }
  return false;
}

bool AndIterator::Walk(Pos* out) {
  size_t agree = 0;
  size_t i = 0;
  while (!done_) {
    PostingIterator& s = *streams_[i];
    if (!s.SeekTo(target_)) {
      status_ = s.status();
      done_ = true;
      return false;
    }
    const Pos p = s.pos();
    if (p == target_) {
      if (++agree == streams_.size()) {
        *out = p;
        Advance(p);
        return true;
      }
    } else {
      target_ = p;
      agree = 1;
      if (streams_.size() == 1) {  // a single stream agrees with itself
        *out = p;
        Advance(p);
        return true;
      }
    }
    i = (i + 1) % streams_.size();
  }
  return false;
}

void AndIterator::ProbeBatch() {
  std::vector<Pos> candidates;
  Pos p;
  while (candidates.size() < batch_ && Walk(&p)) candidates.push_back(p);
  walked_all_ = candidates.size() < batch_;
  batch_ = std::min<size_t>(batch_ * 2, 512);
  ready_.clear();
  ready_at_ = 0;
  const size_t n = candidates.size();
  if (n == 0 || !status_.ok()) return;
  std::vector<bool> keep(n, true);
  std::vector<std::string> key_store(n);
  std::vector<rocksdb::Slice> ks(n);
  std::vector<rocksdb::PinnableSlice> vals(n);
  std::vector<rocksdb::Status> sts(n);
  rocksdb::ReadOptions ro = probes_.view->options();
  for (const std::string& prefix : probes_.prefixes) {
    size_t m = 0;  // candidates still kept, probed for this name
    std::vector<size_t> at;
    for (size_t j = 0; j < n; ++j) {
      if (!keep[j]) continue;
      key_store[m] = prefix;
      keys::AppendTime(&key_store[m], candidates[j].time);
      keys::AppendDocno(&key_store[m], candidates[j].docno);
      ks[m] = store::ToSlice(key_store[m]);
      at.push_back(j);
      ++m;
    }
    if (m == 0) break;
    probes_.view->db()->MultiGet(ro, probes_.view->cf(store::kIndex), m, ks.data(), vals.data(),
                                 sts.data());
    for (size_t k = 0; k < m; ++k) {
      if (sts[k].IsNotFound()) {
        keep[at[k]] = false;
      } else if (!sts[k].ok()) {
        status_ = store::FromRocks(sts[k], "reading index");
        return;
      }
      vals[k].Reset();
    }
  }
  for (size_t j = 0; j < n; ++j) {
    if (keep[j]) ready_.push_back(candidates[j]);
  }
}

void AndIterator::Advance(const Pos& p) {
  if (forward_) {
    if (p.docno == UINT64_MAX) {
      if (p.time == INT64_MAX) done_ = true;
      target_ = Pos{p.time + (p.time == INT64_MAX ? 0 : 1), 0};
    } else {
      target_ = Pos{p.time, p.docno + 1};
    }
  } else {
    if (p.docno == 0) {
      if (p.time == INT64_MIN) done_ = true;
      target_ = Pos{p.time - (p.time == INT64_MIN ? 0 : 1), UINT64_MAX};
    } else {
      target_ = Pos{p.time, p.docno - 1};
    }
  }
}

}  // namespace articledb::query
