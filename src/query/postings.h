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
#include <span>
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

// A posting block read ahead of the walk (IndexLeaf's fetched mode).
struct FetchedBlock {
  uint32_t bucket = 0;
  rocksdb::PinnableSlice bytes;
};

// Reads the blocks of `prefix` at `buckets` (ascending) with one MultiGet; absent ones are
// left out. *blocks ascending by bucket.
Status FetchBlocks(const store::ReadView& view, const std::string& prefix,
                   std::span<const uint32_t> buckets, std::vector<FetchedBlock>* blocks);
// Reads every block of `prefix` in the filter's time range (one forward scan), ascending.
Status ScanBlocks(const store::ReadView& view, const std::string& prefix, const NormalFilter& f,
                  std::vector<FetchedBlock>* blocks);
// ScanBlocks for each of `prefixes` (out[i]: prefixes[i]'s blocks), with one iterator.
Status ScanBlocks(const store::ReadView& view, const std::vector<std::string>& prefixes,
                  const NormalFilter& f, std::vector<std::vector<FetchedBlock>>* out);
// The month buckets the filter's time range spans, or none when it spans more than `max`.
std::vector<uint32_t> RangeBuckets(const NormalFilter& f, size_t max);

// One index stream: the posting blocks of one name (prefix | month bucket) within the
// filter's time range, walked forward or backward. A block is decoded a chunk (128
// postings) at a time; SeekTo moves inside the decoded block in memory.
//
// Two ways to reach the blocks:
//  - fetched: the blocks were read ahead (FetchBlocks / ScanBlocks), e.g. every bucket
//    of a short range, or only the buckets where an AND's leading stream has postings
//    (a match of the AND can be nowhere else). No iterator is made; Cost() is the exact
//    number of postings in those blocks.
//  - walked: a seek into a bucket first tries a point lookup of that bucket's block (an
//    AND's other streams usually have one in the month the leading one is in), and only
//    when it is absent or spent seeks a RocksDB iterator (made on first use) to the next
//    block; Cost() is the estimate given (the name's counter).
// Memory: one block and one chunk (fetched: the fetched blocks).
class IndexLeaf final : public PostingIterator {
 public:
  IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f, bool forward,
            uint64_t cost);
  IndexLeaf(const store::ReadView& view, std::string prefix, const NormalFilter& f, bool forward,
            std::vector<FetchedBlock> blocks);

  bool Next() override;
  // Positions at the first posting >= t (forward) or <= t (backward); false at the end.
  bool SeekTo(const Pos& t) override;
  const Pos& pos() const override { return pos_; }
  uint64_t Cost() const override { return cost_; }
  Status status() const override;

 private:
  // Walked mode: makes the block of bucket b current if it exists (a point lookup); false
  // when absent or on error (done_ set then).
  bool LoadBucket(uint32_t b);
  // Makes the first existing block strictly after bucket `b` in the walk's direction,
  // within the range, current; false at the end.
  bool StepFrom(uint32_t b);
  // The first existing block at bucket b or after it in the walk's direction.
  bool FindFrom(uint32_t b);
  // Fetched mode: makes the first fetched block at/after bucket b (or strictly after
  // with `strict`) in the walk's direction current.
  bool FindFetched(uint32_t b, bool strict);
  // Loads the block under the iterator.
  bool LoadFromIterator();
  bool UseBlock(std::string_view bytes, uint32_t bucket);
  // Positions on the current block's first posting at/after t in the walk's direction,
  // moving to the following blocks while one has none.
  bool SettleFrom(const Pos& t);
  bool LoadChunk(size_t c);
  // The current posting, checked against the range's far end; false past it.
  bool Emit();
  bool Fail(const std::string& what);
  bool InRange(uint32_t b) const { return b >= first_bucket_ && b <= last_bucket_; }

  const store::ReadView& view_;
  std::string prefix_, lower_, upper_, key_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;  // walked mode, made on first use
  bool it_on_block_ = false;               // it_ is on the current block
  int64_t lo_;
  std::optional<int64_t> hi_;
  uint32_t first_bucket_ = 0, last_bucket_ = 0;
  bool forward_;
  uint64_t cost_;
  bool fetched_ = false;
  std::vector<FetchedBlock> blocks_;  // fetched mode
  bool started_ = false;
  bool done_ = false;
  bool have_block_ = false;
  rocksdb::PinnableSlice pinned_;  // walked mode: the current block, from a point lookup
  std::string block_;              // or copied from the iterator
  uint32_t bucket_ = 0;            // the current block's bucket
  index::BlockReader reader_;
  size_t chunk_ = 0;               // the decoded chunk
  bool chunk_loaded_ = false;      // buf_ holds chunk chunk_ of the current block
  std::vector<index::Posting> buf_;
  size_t idx_ = 0;                 // the current posting in buf_
  Status status_;
  Pos pos_{0, 0};
};

}  // namespace articledb::query

#endif  // ARTICLEDB_SRC_QUERY_POSTINGS_H_
