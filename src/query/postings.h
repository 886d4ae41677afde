// Posting sources: a PostingIterator walks (time, docno) positions in one direction; the
// index-CF leaf walks one name's posting blocks.
#ifndef ARTICLEDB_SRC_QUERY_POSTINGS_H_
#define ARTICLEDB_SRC_QUERY_POSTINGS_H_

#include <rocksdb/iterator.h>
#include <rocksdb/slice.h>

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "articledb/status.h"
#include "index/posting_block.h"

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

// One index stream: the posting blocks of one name (prefix | month bucket) within the
// filter's time range, walked forward or backward. A block is read once, copied, and
// decoded a chunk (128 postings) at a time; SeekTo moves inside the decoded block in
// memory and seeks RocksDB only to reach a later bucket. Memory: one block and one chunk.
class IndexLeaf final : public PostingIterator {
 public:
  IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f, bool forward,
            uint64_t cost);

  bool Next() override;
  // Positions at the first posting >= t (forward) or <= t (backward); false at the end.
  bool SeekTo(const Pos& t) override;
  const Pos& pos() const override { return pos_; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override;

 private:
  // Loads the block under the iterator and positions on its first posting at/after t in
  // the iterator's direction, moving to the following blocks while one has none.
  // `loaded`: the block under the iterator is loaded already.
  bool SettleFrom(const Pos& t, bool loaded);
  bool LoadBlock();
  bool LoadChunk(size_t c);
  // The current posting, checked against the range's far end; false past it.
  bool Emit();
  bool Fail(const std::string& what);

  std::string prefix_, lower_, upper_, seek_key_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  int64_t lo_;
  std::optional<int64_t> hi_;
  bool forward_;
  uint64_t cost_;
  bool started_ = false;
  bool done_ = false;
  std::string block_;      // the current block's bytes
  uint32_t bucket_ = 0;    // and its bucket
  index::BlockReader reader_;
  size_t chunk_ = 0;       // the decoded chunk
  std::vector<index::Posting> buf_;
  size_t idx_ = 0;         // the current posting in buf_
  Status status_;
  Pos pos_{0, 0};
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_POSTINGS_H_
