// Posting sources: a PostingIterator walks (time, docno) positions in one direction; the
// index-CF leaf walks one name's index entries (today one key per posting).
#ifndef ARTICLEDB_SRC_QUERY_POSTINGS_H_
#define ARTICLEDB_SRC_QUERY_POSTINGS_H_

#include <rocksdb/iterator.h>
#include <rocksdb/slice.h>

#include <compare>
#include <cstdint>
#include <memory>
#include <string>

#include "articledb/status.h"

namespace articledb::store {
class ReadView;
}

namespace articledb::query {

struct NormalFilter;

// A position in an index stream: (time, docno), ordered lexicographically.
struct Pos {
  int64_t time;
  uint64_t docno;
  auto operator<=>(const Pos&) const = default;
};

class PostingIterator {  // one direction, fixed at creation
 public:
  virtual ~PostingIterator() = default;
  virtual bool Next() = 0;                     // first call positions on the first
  virtual bool SeekTo(const Pos& target) = 0;  // first posting at/after target in
                                               // the iterator's direction
  virtual const Pos& pos() const = 0;
  virtual uint64_t Cost() const = 0;  // estimated postings (from counters)
  virtual Status status() const = 0;  // articledb::Status
};

// One index stream: keys prefix|time|docno within the filter's time range, walked
// forward or backward, with Seek used only when a few Next/Prev steps do not reach.
class IndexLeaf final : public PostingIterator {
 public:
  IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f, bool forward,
            uint64_t cost);

  bool Next() override;
  // Positions at the first entry >= t (forward) or <= t (backward); false at the end.
  bool SeekTo(const Pos& t) override;
  const Pos& pos() const override { return pos_; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override;

 private:
  Pos Current() const;

  std::string prefix_, lower_, upper_, seek_key_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool forward_;
  uint64_t cost_;
  bool positioned_ = false;
  Pos start_{0, 0};
  Pos pos_{0, 0};
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_POSTINGS_H_
