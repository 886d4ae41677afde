// The AND operator: the intersection of posting iterators by leapfrogging, with the
// names far more frequent than the rarest probed by key instead of walked.
#ifndef ARTICLEDB_SRC_QUERY_INTERSECTION_H_
#define ARTICLEDB_SRC_QUERY_INTERSECTION_H_

#include <rocksdb/db.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "articledb/query.h"
#include "query/filter.h"
#include "query/postings.h"
#include "store/keys.h"
#include "store/store.h"
#include "time_util.h"

namespace articledb::query {

// Names whose streams are far longer than the shortest one's: rather than walked with
// seeks, they are probed, each candidate position of the walked streams looked up as a
// whole index key, a batch at a time with one MultiGet.
struct Probes {
  const store::ReadView* view = nullptr;
  std::vector<std::string> prefixes;
};

// Intersection of streams by leapfrogging: each stream seeks to the candidate position;
// a position every stream holds (and every probed name has) is a match. Never reads
// records.
class AndIterator final : public PostingIterator {
 public:
  AndIterator(std::vector<std::unique_ptr<PostingIterator>> streams, Probes probes, const NormalFilter& f,
          Order order, const std::optional<Pos>& after)
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

  bool Next() override {
    if (probes_.prefixes.empty()) return Walk(&pos_);
    while (ready_at_ == ready_.size()) {
      if (walked_all_ || !status_.ok()) return false;
      ProbeBatch();
    }
    pos_ = ready_[ready_at_++];
    return true;
  }

  // Moves on to the first match at or after `target` in the walking direction (never back).
  bool SeekTo(const Pos& target) override {
    auto before = [this](const Pos& a, const Pos& b) { return forward_ ? a < b : a > b; };
    while (ready_at_ < ready_.size() && before(ready_[ready_at_], target)) ++ready_at_;
    if (ready_at_ == ready_.size() && before(target_, target)) target_ = target;
    while (Next()) {
      if (!before(pos_, target)) return true;
    }
    return false;
  }

  const Pos& pos() const override { return pos_; }
  // The rarest walked stream bounds the matches.
  uint64_t Cost() const override { return streams_.empty() ? 0 : streams_[0]->Cost(); }
  Status status() const override { return status_; }

 private:
  // The next position all walked streams hold.
  bool Walk(Pos* out) {
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

  // Walks the next batch of candidates and keeps, in order, those every probed name has.
  // Batches start small (a page of a few results reads little ahead) and grow.
  void ProbeBatch() {
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
      probes_.view->db()->MultiGet(ro, probes_.view->cf(store::kIndex), m, ks.data(), vals.data(), sts.data());
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

  // Moves the target just past `p` in the walking direction.
  void Advance(const Pos& p) {
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

  std::vector<std::unique_ptr<PostingIterator>> streams_;
  Probes probes_;
  bool forward_;
  Pos target_{0, 0};
  bool done_ = false;
  Status status_;
  Pos pos_{0, 0};
  // With probes: matches found and not yet returned, and the next batch's size.
  std::vector<Pos> ready_;
  size_t ready_at_ = 0;
  size_t batch_ = 16;
  bool walked_all_ = false;
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_INTERSECTION_H_
