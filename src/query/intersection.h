// The AND operator: the intersection of posting iterators by leapfrogging, with the
// names far more frequent than the rarest probed by key instead of walked.
#ifndef ARTICLEDB_SRC_QUERY_INTERSECTION_H_
#define ARTICLEDB_SRC_QUERY_INTERSECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "articledb/query.h"
#include "query/filter.h"
#include "query/postings.h"

namespace articledb::store {
class ReadView;
}

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
  AndIterator(std::vector<std::unique_ptr<PostingIterator>> streams, Probes probes,
              const NormalFilter& f, Order order, const std::optional<Pos>& after);

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
  bool SeekTo(const Pos& target) override;

  const Pos& pos() const override { return pos_; }
  // The rarest walked stream bounds the matches.
  uint64_t Cost() const override { return streams_.empty() ? 0 : streams_[0]->Cost(); }
  Status status() const override { return status_; }

 private:
  // The next position all walked streams hold.
  bool Walk(Pos* out);

  // Walks the next batch of candidates and keeps, in order, those every probed name has.
  // Batches start small (a page of a few results reads little ahead) and grow.
  void ProbeBatch();

  // Moves the target just past `p` in the walking direction.
  void Advance(const Pos& p);

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
